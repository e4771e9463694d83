import { flaskBackup } from "../../infra/cutover/flaskBackup";
import { evaluateGates, gateSettings } from "../../infra/cutover/gates";
import { CutoverInputError } from "../../infra/cutover/inputError";
import { planAdvance } from "../../infra/cutover/nextStep";
import { buildReport, renderReportJson, renderReportMarkdown, type NextStepReview } from "../../infra/cutover/report";
import type { MetricsReading } from "../../infra/cutover/routeFigures";
import { buildStatus } from "../../infra/cutover/routeStatus";
import { describeTarget, routeTargets } from "../../infra/cutover/routeTargets";
import { lastStepAt, stepEvents, type StepEvent } from "../../infra/cutover/stepHistory";
import { decideVerdict } from "../../infra/cutover/verdict";
import { EXIT } from "../cliError";
import type { CutoverDeps } from "../ports";
import { loadStackView, readStackMetrics, type StackView } from "../stackView";

/** The gates `advance` (all routes, no --force) would apply now. */
function reviewNextStep(
  view: StackView,
  metrics: MetricsReading,
  events: readonly StepEvent[],
  now: Date,
): NextStepReview {
  let changes;
  try {
    changes = planAdvance(routeTargets(view.configured), view.config, {});
  } catch (error) {
    if (error instanceof CutoverInputError) return { none: error.message };
    throw error;
  }
  const settings = gateSettings(view.config);
  const gates = changes.flatMap((change) =>
    evaluateGates({ change, metrics, lastStepAt: lastStepAt(events, change.target.id), now }, settings),
  );
  return {
    changes: changes.map((change) => ({
      routeId: change.target.id,
      matches: describeTarget(change.target),
      from: change.from,
      to: change.to,
    })),
    decision: decideVerdict(gates).decision,
    gates,
  };
}

export async function report(
  deps: CutoverDeps,
  options: { readonly stack: string; readonly json: boolean },
): Promise<number> {
  const stack = await deps.openStack(options.stack);
  const view = await loadStackView(stack);
  const [updates, metrics] = await Promise.all([stack.history(), readStackMetrics(deps, view)]);
  const events = stepEvents(updates, stack.namespace);
  const now = deps.now();
  const status = buildStatus({
    stack: stack.name,
    config: view.config,
    deployed: view.deployed,
    metrics,
    events,
    flaskBackup: flaskBackup(updates, stack.namespace),
    now,
  });
  const model = buildReport(status, reviewNextStep(view, metrics, events, now), events);
  deps.print(options.json ? renderReportJson(model) : renderReportMarkdown(model));
  return EXIT.ok;
}
