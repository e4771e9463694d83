import { formatLatency, formatRate, formatRatio, formatShare } from "./figureFormat";
import { describeFlaskBackup } from "./flaskBackup";
import type { GateResult } from "./gates";
import type { StackStatus } from "./routeStatus";
import { formatProgress, formatSinceLastStep, formatWeight } from "./statusTable";
import { describeStep, type RouteWeightStep, type StepEvent } from "./stepHistory";
import type { Verdict } from "./verdict";

/** The gates as `advance` without --force would judge the next step of every route now, or why there is none. */
export type NextStepReview =
  | {
      readonly changes: readonly RouteWeightStep[];
      readonly decision: Verdict["decision"];
      readonly gates: readonly GateResult[];
    }
  | { readonly none: string };

/** A step of the history as the report carries it: plain data, the time as an ISO string. */
export type ReportedStep = Omit<StepEvent, "at"> & { readonly at: string };

/** Everything `report` shows, as plain data (it is also the `--json` output). */
export interface MigrationReport {
  readonly status: StackStatus;
  readonly nextStep: NextStepReview;
  /** Oldest first. */
  readonly history: readonly ReportedStep[];
}

export function buildReport(
  status: StackStatus,
  nextStep: NextStepReview,
  events: readonly StepEvent[],
): MigrationReport {
  return { status, nextStep, history: events.map((event) => ({ ...event, at: event.at.toISOString() })) };
}

export function renderReportJson(report: MigrationReport): string {
  return JSON.stringify(report, null, 2);
}

// A "|" inside a cell would end it; line breaks would end the row.
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)];
}

function nextStepSection(nextStep: NextStepReview): string[] {
  if ("none" in nextStep) return [`No next step: ${nextStep.none}.`];
  const changes = nextStep.changes.map(describeStep).join(", ");
  const decision =
    nextStep.decision === "advance"
      ? "every gate passes: `advance` would go ahead"
      : "`advance` would refuse (without --force)";
  return [
    `Next step: ${changes}; ${decision}.`,
    "",
    ...markdownTable(
      ["route", "gate", "outcome", "reason"],
      nextStep.gates.map((gate) => [`\`${gate.routeId}\``, gate.gate, gate.outcome, gate.reason]),
    ),
  ];
}

/** The migration report as Markdown: state per endpoint, live figures, the gates for the next step, and every step taken. */
export function renderReportMarkdown({ status, nextStep, history }: MigrationReport): string {
  const figures = status.metrics.available
    ? markdownTable(
        [
          "route",
          "requests/s Flask",
          "requests/s FastAPI",
          "observed FastAPI share",
          "5xx Flask",
          "5xx FastAPI",
          "p99 Flask",
          "p99 FastAPI",
        ],
        status.routes.map((route) => [
          `\`${route.id}\``,
          formatRate(route.flask.requestRate),
          formatRate(route.fastapi.requestRate),
          formatShare(route.fastapi.observedShare),
          formatRatio(route.flask.errorRatio),
          formatRatio(route.fastapi.errorRatio),
          formatLatency(route.flask.latencyP99Seconds),
          formatLatency(route.fastapi.latencyP99Seconds),
        ]),
      )
    : [`No figures: ${status.metrics.reason}`];
  const lines = [
    `# Migration report: stack ${status.stack}`,
    "",
    `Generated ${status.generatedAt}. Figures over the last ${status.window}.`,
    "",
    "## Progress",
    "",
    `${formatProgress(status.progress, status.window)}.`,
    "",
    `${describeFlaskBackup(status.flaskBackup, new Date(status.generatedAt))}.`,
    "",
    "## Endpoints",
    "",
    ...markdownTable(
      ["route", "matches", "state", "weight", "last step"],
      status.routes.map((route) => [
        `\`${route.id}\``,
        route.matches,
        route.state,
        formatWeight(route),
        route.lastStepAt ? `${route.lastStepAt} (${formatSinceLastStep(route)})` : "unknown",
      ]),
    ),
    "",
    `## Flask vs FastAPI (last ${status.window})`,
    "",
    ...figures,
    "",
    "## Gates for the next step",
    "",
    ...nextStepSection(nextStep),
    "",
    "## History",
    "",
    ...(history.length === 0
      ? ["No successful update in the stack's history."]
      : markdownTable(
          ["when (UTC)", "who", "changes", "why"],
          history.map((step) => [
            step.at,
            step.whoSource === "git author of HEAD" ? `${step.who} (git author of HEAD)` : step.who,
            step.changes.map(describeStep).join(", "),
            step.why,
          ]),
        )),
  ];
  return `${lines.join("\n")}\n`;
}
