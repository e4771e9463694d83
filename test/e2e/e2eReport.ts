import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OpMap } from "@pulumi/pulumi/automation";
import { REPO_ROOT } from "../support/stackConfig";
import type { JourneyKey } from "./journeys";
import type { WorkloadUse } from "./workloadUse";
import type { MethodTally } from "./steadyLoad";

export interface SplitEntry extends JourneyKey {
  /** The route as the migration map names it, "default", or what the request carried (e.g. an override header). */
  readonly route: string;
  /** Configured FastAPI share, percent. */
  readonly configured: number;
  /** Observed FastAPI share, percent. */
  readonly observed: number;
  readonly requests: number;
  readonly unattributed: number;
}

export interface WeightChangeEntry extends JourneyKey {
  readonly from: number;
  readonly to: number;
  readonly upSeconds: number;
  /** Undefined (null in the file) when the split was not observed to settle. */
  readonly convergeSeconds: number | undefined;
  readonly failedRequests: number;
  readonly totalRequests: number;
  readonly failures: Record<string, number>;
  /** `pulumi preview` of the change just before it was applied, by operation. */
  readonly preview: OpMap;
  /** Written rows that could not be read back after the step. */
  readonly unreadableRows: number;
}

export interface RollbackEntry extends JourneyKey {
  /**
   * From the start of `npm run cutover -- rollback` until the last response FastAPI served on any route: the rollback
   * as clients see it. Infinite (null in the file) when FastAPI was still serving at the end of the observation.
   */
  readonly seconds: number;
  /** The whole command: traffic moved, checked, and recorded in the stack by `pulumi up`. */
  readonly commandSeconds: number;
  readonly failedRequests: number;
  readonly totalRequests: number;
  readonly failures: Record<string, number>;
}

/** FastAPI rolled to a new image tag by `pulumi up`, under the steady load. */
export interface RolloutEntry extends JourneyKey {
  readonly image: string;
  readonly upSeconds: number;
  readonly failedRequests: number;
  readonly totalRequests: number;
  readonly failures: Record<string, number>;
}

export interface GatedAdvanceEntry extends JourneyKey {
  readonly route: string;
  /**
   * `cutover advance` while both FastAPI replicas were stopped, then again once they served well for a whole window
   * (and once more a window later for each refusal on latency alone).
   */
  readonly attempts: readonly {
    readonly when: "fastapi down" | "healthy";
    readonly exitCode: number | null;
    readonly seconds: number;
    /** Gate name to "outcome: reason", as the command printed it. */
    readonly gates: Record<string, string>;
  }[];
}

export interface DecommissionEntry extends JourneyKey {
  readonly refusedWhileRouted: boolean;
  readonly refusal: string;
  /** The destroy tried right after the last step: refused because Flask is the backup for the window. */
  readonly refusedInWindow: boolean;
  readonly windowRefusal: string;
  /** The stage's `backupWindow`, and how long after the last step's update returned the destroy was allowed. */
  readonly backupWindow: string;
  readonly allowedAfterSeconds: number;
  readonly destroySeconds: number;
  readonly failedRequests: number;
  readonly totalRequests: number;
  readonly failures: Record<string, number>;
  readonly rowsBefore: number;
  readonly rowsAfter: number;
}

/** One crash at 50% under the steady load (docs/testing.md, faults). */
export interface FaultEntry extends JourneyKey {
  readonly fault: string;
  /** Answered requests from the crash until the victim served again (plus a few seconds), failed and total per method. */
  readonly byMethod: Record<"GET" | "POST", MethodTally>;
  /** Requests in the same window that got no response at all (their method is unknown). */
  readonly noResponse: number;
  /**
   * POSTs answered in the first POST_EXPOSURE_MS (migration.e2e.ts) after the crash: those that may have been sent to the dead backend
   * before the ingress could know it, the most that may fail (a POST is never sent twice).
   */
  readonly postsExposedToCrash: number;
  /** Requests the ingress sent again to the other backend (or another replica) after a failure, per its metrics. */
  readonly failovers: number;
  /** From the crash until the victim served a request again (for PostgreSQL: until both apps did). */
  readonly recoverySeconds: number;
  /** For PostgreSQL: from its accepting connections again until both apps served; the bar is 5 s. */
  readonly appsBackAfterDatabaseSeconds?: number;
  /** For the engine: from its start until every container that ran before was running and healthy; the bar is 60 s. */
  readonly containersBackAfterEngineSeconds?: number;
  /**
   * Failed requests by what failed them, from the victim's recovery to the end of the window: none once the ingress
   * has caught up with the recovered replica.
   */
  readonly failuresAfterRecovery: Record<string, number>;
  /** Restarts of the containers that did not crash (the apps, when PostgreSQL did): must be none. */
  readonly bystanderRestarts: number;
  readonly rowsBefore: number;
  readonly rowsAfter: number;
}

export interface StickyEntry extends JourneyKey {
  readonly clients: number;
  readonly clientsOnOneBackend: number;
}

export interface MonitoringEntry extends JourneyKey {
  readonly route: string;
  /** FastAPI's share (percent) of the route over the same seconds, as the load generator counted it... */
  readonly loadGeneratorShare: number;
  /** ...and as Prometheus counted it from the ingress's metrics. */
  readonly prometheusShare: number;
  readonly seconds: number;
  readonly loadGeneratorRequests: number;
}

export interface LogsEntry extends JourneyKey {
  /** Requests sent to each app with one marker in their URL... */
  readonly sentPerApp: number;
  /** ...and the lines carrying it that VictoriaLogs returned by service. */
  readonly flaskLines: number;
  readonly fastapiLines: number;
  /** The ingress's own lines since the platform was deployed. */
  readonly ingressLines: number;
}

/** What headless Chromium saw on the Flask vs FastAPI page while the steady load ran. */
export interface MigrationPageEntry extends JourneyKey {
  readonly url: string;
  /** The alerts panel's text. */
  readonly alertsPanel: string;
  /** Per route, per graph: the lines drawn, each with its number of points. */
  readonly graphs: Record<string, Record<string, string[]>>;
  readonly screenshot: string;
  /** More than 1 when a change of the host's network spoilt a load (test/e2e/migrationPage.ts). */
  readonly loads: number;
}

/** What the journey's workloads (its stacks' containers or pods) used, read from their cgroups at 100% under load. */
export interface WorkloadUseEntry extends JourneyKey, WorkloadUse {
  /** From the platform's deploy to the reading: the CPU time's span. */
  readonly secondsSinceDeploy: number;
}

export interface LifecycleEntry extends JourneyKey {
  readonly platformUpSeconds: number;
  readonly legacyUpSeconds: number;
  readonly databaseVolumeRemovedOnDestroy?: boolean;
}

/** A journey as the summary's tables name it, e.g. docker/traefik. */
const journeyOf = (entry: JourneyKey) => `${entry.target}/${entry.ingress}`;

/** Everything the e2e measured; written after every journey, so a run that fails later still leaves its figures. */
export class E2EReport {
  readonly split: SplitEntry[] = [];
  readonly weightChanges: WeightChangeEntry[] = [];
  readonly rollback: RollbackEntry[] = [];
  readonly rollout: RolloutEntry[] = [];
  readonly gatedAdvance: GatedAdvanceEntry[] = [];
  readonly decommission: DecommissionEntry[] = [];
  readonly faults: FaultEntry[] = [];
  readonly sticky: StickyEntry[] = [];
  readonly monitoring: MonitoringEntry[] = [];
  /** Per journey: each per-route, per-backend recording rule and the backends Prometheus has a series of it for. */
  readonly recordedSeries: (JourneyKey & { backendsBySeries: Record<string, string[]> })[] = [];
  /** Per journey: each query of the Grafana dashboard (routes with traffic) and how many series Prometheus returned. */
  readonly dashboardQueries: (JourneyKey & { seriesByQuery: Record<string, number> })[] = [];
  readonly logs: LogsEntry[] = [];
  readonly migrationPage: MigrationPageEntry[] = [];
  readonly workloadUse: WorkloadUseEntry[] = [];
  readonly lifecycle: LifecycleEntry[] = [];

  write(): string {
    const directory = join(REPO_ROOT, "reports");
    mkdirSync(directory, { recursive: true });
    const path = join(directory, "e2e.json");
    // The report's own fields are its arrays, in the order they are declared; the methods live on the prototype.
    const document = { generatedAt: new Date().toISOString(), ...this };
    writeFileSync(path, `${JSON.stringify(document, (_key, value) => (value === undefined ? null : value), 2)}\n`);
    return path;
  }

  /** The journeys with figures, in the order they ran. */
  private journeys(): string[] {
    return [...new Set([...this.split, ...this.weightChanges, ...this.lifecycle].map(journeyOf))];
  }

  /** The headline figures, a row each, a column per journey: the targets and flavours compared figure by figure. */
  private sideBySide(journeys: readonly string[]): string[][] {
    const of = <T extends JourneyKey>(entries: readonly T[], journey: string) =>
      entries.filter((entry) => journeyOf(entry) === journey);
    /** The journey's one entry of `entries`, shown; "-" when it has none. */
    const first =
      <T extends JourneyKey>(entries: readonly T[], show: (entry: T) => string) =>
      (journey: string) => {
        const [entry] = of(entries, journey);
        return entry === undefined ? "-" : show(entry);
      };
    const slowest = (values: (number | undefined)[]) =>
      values.length === 0
        ? "-"
        : values.some((value) => value === undefined)
          ? "never"
          : Math.max(...(values as number[])).toFixed(1);
    const failedOf = (entries: readonly { failedRequests: number; totalRequests: number }[]) =>
      entries.length === 0
        ? "-"
        : `${entries.reduce((sum, entry) => sum + entry.failedRequests, 0)}/${entries.reduce((sum, entry) => sum + entry.totalRequests, 0)}`;
    const splitAt10 = (route: string) => (journey: string) =>
      of(this.split, journey)
        .find((entry) => entry.route === route && entry.configured === 10)
        ?.observed.toFixed(2) ?? "-";
    const figures: [string, (journey: string) => string][] = [
      ["split /api/users at 10%: observed %", splitAt10("/api/users")],
      ["split default route at 10%: observed %", splitAt10("default")],
      [
        "sticky: clients on one backend",
        first(this.sticky, (entry) => `${entry.clientsOnOneBackend}/${entry.clients}`),
      ],
      [
        "weight steps: slowest pulumi up s",
        (journey) => slowest(of(this.weightChanges, journey).map((entry) => entry.upSeconds)),
      ],
      [
        "weight steps: slowest settled after up s",
        (journey) => slowest(of(this.weightChanges, journey).map((entry) => entry.convergeSeconds)),
      ],
      ["weight steps: failed/total requests", (journey) => failedOf(of(this.weightChanges, journey))],
      ["FastAPI rolling update: failed/total requests", (journey) => failedOf(of(this.rollout, journey))],
      [
        "rollback: traffic on Flask after s",
        (journey) => slowest(of(this.rollback, journey).map((entry) => entry.seconds)),
      ],
      ["rollback: failed/total requests", (journey) => failedOf(of(this.rollback, journey))],
      [
        "gated advance: exit codes, FastAPI down then healthy",
        first(this.gatedAdvance, (entry) => entry.attempts.map((attempt) => attempt.exitCode).join(", ")),
      ],
      ...(["FastAPI replica", "Flask"] as const).flatMap((victim, index): [string, (journey: string) => string][] => {
        const fault = (show: (entry: FaultEntry) => string) => (journey: string) => {
          const entry = of(this.faults, journey)[index];
          return entry === undefined ? "-" : show(entry);
        };
        return [
          [
            `${victim} killed at 50%: failed/total GETs`,
            fault((entry) => `${entry.byMethod.GET.failed}/${entry.byMethod.GET.total}`),
          ],
          [`${victim} killed at 50%: recovery s`, fault((entry) => entry.recoverySeconds.toFixed(1))],
        ];
      }),
      ["decommission: failed/total requests", (journey) => failedOf(of(this.decommission, journey))],
      ["decommission: rows lost", first(this.decommission, (entry) => `${entry.rowsBefore - entry.rowsAfter}`)],
      ["workloads running at 100% (containers or pods)", first(this.workloadUse, (entry) => `${entry.workloads}`)],
      [
        "workloads' CPU, deploy to 100%: s (% of a core)",
        first(
          this.workloadUse,
          (entry) =>
            `${entry.cpuSeconds.toFixed(0)} (${((100 * entry.cpuSeconds) / entry.secondsSinceDeploy).toFixed(0)}%)`,
        ),
      ],
      ["workloads' resident memory at 100%: MiB", first(this.workloadUse, (entry) => entry.residentMiB.toFixed(0))],
      ["platform up s", first(this.lifecycle, (entry) => entry.platformUpSeconds.toFixed(1))],
      ["legacy up s", first(this.lifecycle, (entry) => entry.legacyUpSeconds.toFixed(1))],
    ];
    return figures.map(([figure, value]) => [figure, ...journeys.map(value)]);
  }

  /** A readable summary: the journeys side by side, then one table per array. */
  summary(): string {
    const seconds = (value: number | undefined) => (value === undefined ? "never" : value.toFixed(1));
    const failures = (entry: { failedRequests: number; totalRequests: number }) =>
      `${entry.failedRequests}/${entry.totalRequests}`;
    const table = (title: string, head: string[], rows: string[][]) => {
      const widths = head.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
      const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join("  ");
      return [title, line(head), ...rows.map(line)].join("\n");
    };
    const journeys = this.journeys();
    return [
      table("side by side", ["figure", ...journeys], this.sideBySide(journeys)),
      table(
        "split",
        ["journey", "route", "configured %", "observed %", "requests"],
        this.split.map((entry) => [
          journeyOf(entry),
          entry.route,
          `${entry.configured}`,
          entry.observed.toFixed(2),
          `${entry.requests}`,
        ]),
      ),
      table(
        "sticky",
        ["journey", "clients", "on one backend"],
        this.sticky.map((entry) => [journeyOf(entry), `${entry.clients}`, `${entry.clientsOnOneBackend}`]),
      ),
      table(
        "weight changes",
        ["journey", "from", "to", "up s", "converged s", "failed/total", "preview", "unreadable rows"],
        this.weightChanges.map((entry) => [
          journeyOf(entry),
          `${entry.from}`,
          `${entry.to}`,
          entry.upSeconds.toFixed(1),
          seconds(entry.convergeSeconds),
          failures(entry),
          JSON.stringify(entry.preview),
          `${entry.unreadableRows}`,
        ]),
      ),
      table(
        "rollback",
        ["journey", "traffic on Flask after s", "command s", "failed/total"],
        this.rollback.map((entry) => [
          journeyOf(entry),
          entry.seconds.toFixed(1),
          entry.commandSeconds.toFixed(1),
          failures(entry),
        ]),
      ),
      table(
        "FastAPI rolling update (a new image tag, under load)",
        ["journey", "image", "up s", "failed/total"],
        this.rollout.map((entry) => [journeyOf(entry), entry.image, entry.upSeconds.toFixed(1), failures(entry)]),
      ),
      table(
        "gated advance",
        ["journey", "route", "when", "exit", "command s", "errorRatio", "latencyP99"],
        this.gatedAdvance.flatMap((entry) =>
          entry.attempts.map((attempt) => [
            journeyOf(entry),
            entry.route,
            attempt.when,
            `${attempt.exitCode}`,
            attempt.seconds.toFixed(1),
            attempt.gates.errorRatio ?? "-",
            attempt.gates.latencyP99 ?? "-",
          ]),
        ),
      ),
      table(
        "decommission",
        [
          "journey",
          "refused while routed",
          "refused in backup window",
          "allowed after s (window)",
          "destroy s",
          "failed/total",
          "rows before",
          "rows after",
        ],
        this.decommission.map((entry) => [
          journeyOf(entry),
          `${entry.refusedWhileRouted}`,
          `${entry.refusedInWindow}`,
          `${entry.allowedAfterSeconds.toFixed(0)} (${entry.backupWindow})`,
          entry.destroySeconds.toFixed(1),
          failures(entry),
          `${entry.rowsBefore}`,
          `${entry.rowsAfter}`,
        ]),
      ),
      table(
        "faults at 50%, with failover",
        [
          "journey",
          "fault",
          "GET failed/total",
          "POST failed/total",
          "POSTs exposed to crash",
          "failovers",
          "no response",
          "recovery s",
          "failed after recovery",
          "apps after db s",
          "containers after engine s",
          "bystander restarts",
          "rows before",
          "rows after",
        ],
        this.faults.map((entry) => [
          journeyOf(entry),
          entry.fault,
          `${entry.byMethod.GET.failed}/${entry.byMethod.GET.total}`,
          `${entry.byMethod.POST.failed}/${entry.byMethod.POST.total}`,
          `${entry.postsExposedToCrash}`,
          entry.failovers.toFixed(0),
          `${entry.noResponse}`,
          entry.recoverySeconds.toFixed(1),
          JSON.stringify(entry.failuresAfterRecovery),
          entry.appsBackAfterDatabaseSeconds?.toFixed(1) ?? "-",
          entry.containersBackAfterEngineSeconds?.toFixed(1) ?? "-",
          `${entry.bystanderRestarts}`,
          `${entry.rowsBefore}`,
          `${entry.rowsAfter}`,
        ]),
      ),
      table(
        "monitoring (FastAPI share, load generator vs Prometheus)",
        ["journey", "route", "load generator %", "Prometheus %", "seconds", "requests"],
        this.monitoring.map((entry) => [
          journeyOf(entry),
          entry.route,
          entry.loadGeneratorShare.toFixed(2),
          entry.prometheusShare.toFixed(2),
          `${entry.seconds}`,
          `${entry.loadGeneratorRequests}`,
        ]),
      ),
      table(
        "logs (lines in VictoriaLogs by service)",
        ["journey", "sent per app", "flask", "fastapi", "ingress lines"],
        this.logs.map((entry) => [
          journeyOf(entry),
          `${entry.sentPerApp}`,
          `${entry.flaskLines}`,
          `${entry.fastapiLines}`,
          `${entry.ingressLines}`,
        ]),
      ),
      table(
        "the Flask vs FastAPI page (headless Chromium)",
        ["journey", "route", "lines drawn per graph", "alerts panel", "loads", "screenshot"],
        this.migrationPage.flatMap((entry) =>
          Object.entries(entry.graphs).map(([route, graphs]) => [
            journeyOf(entry),
            route,
            Object.entries(graphs)
              .map(([graph, lines]) => `${graph}: ${lines.join(", ")}`)
              .join("; "),
            entry.alertsPanel.replace(/\s+/g, " ").slice(0, 60),
            `${entry.loads}`,
            entry.screenshot,
          ]),
        ),
      ),
      table(
        "workloads at 100% under load (their cgroups)",
        ["journey", "workloads", "CPU s since deploy", "seconds since deploy", "resident MiB"],
        this.workloadUse.map((entry) => [
          journeyOf(entry),
          `${entry.workloads}`,
          entry.cpuSeconds.toFixed(1),
          entry.secondsSinceDeploy.toFixed(0),
          entry.residentMiB.toFixed(0),
        ]),
      ),
      table(
        "lifecycle",
        ["journey", "platform up s", "legacy up s", "volume removed on destroy"],
        this.lifecycle.map((entry) => [
          journeyOf(entry),
          entry.platformUpSeconds.toFixed(1),
          entry.legacyUpSeconds.toFixed(1),
          `${entry.databaseVolumeRemovedOnDestroy ?? "-"}`,
        ]),
      ),
    ].join("\n\n");
  }
}
