import type { PlatformConfig } from "../config/schema";
import { parseDuration } from "../cutover/duration";
import { BACKENDS, type BackendName } from "../routing/plan";
import { renderRuleFile, type AlertingRule } from "./ruleGroups";
import { SERIES } from "./seriesNames";

export const ALERT_RULES_FILE = "alerts.rules.yml";

/**
 * How long a condition must hold before an alert fires: the figures are already averaged over the gates window, and
 * this only rides out the seconds in which a new weight is live in the ingress but not yet in the weight rules.
 */
const PENDING_FOR = "1m";

type Gates = PlatformConfig["gates"];

/** 0.01 as "1%", without the float noise of 0.07 * 100. */
const percent = (ratio: number) => `${Number((ratio * 100).toFixed(4))}%`;

/** Keeps the routes on which both backends served at least `minRequests` in the window, the only ones worth judging. */
function whenBothJudged(condition: string, gates: Gates): string {
  return [
    `(${condition})`,
    ...BACKENDS.map(
      (backend) => `and on (route) (${SERIES.requestsInWindow}{backend="${backend}"} >= ${gates.minRequests})`,
    ),
  ].join("\n");
}

/** The share of a route's requests the configured weight gives `backend`, in percent. */
function configuredShare(backend: BackendName): string {
  return backend === "fastapi" ? SERIES.configuredWeight : `(100 - ${SERIES.configuredWeight})`;
}

/**
 * A backend the weights give a share of a route but that served nothing of it. Judged only once the route's traffic
 * should have brought that backend at least `minRequests` (its share of all the route's requests in the window), so
 * a quiet route or a small weight is never taken for a broken routing. The alert's value is that expected count.
 */
function starvedBackendRule(backend: BackendName, gates: Gates): AlertingRule {
  const name = backend === "fastapi" ? "FastAPI" : "Flask";
  return {
    alert: "MigrationBackendWithoutTraffic",
    expr: [
      `(sum by (route) (${SERIES.requestsInWindow}) * on (route) ${configuredShare(backend)} / 100 >= ${gates.minRequests})`,
      `unless on (route) (${SERIES.requestsInWindow}{backend="${backend}"} > 0)`,
    ].join("\n"),
    for: PENDING_FOR,
    labels: { severity: "critical", backend },
    annotations: {
      summary: `${name} served no request of route {{ $labels.route }} in the last ${gates.window}, although its configured weight should have sent it about {{ $value | humanize }}`,
    },
  };
}

/**
 * The alert form of the gates: each fires when FastAPI does not serve a route as well as Flask, as `migration:gates`
 * defines it (the cutover command's metric gates read the same recorded series). Every alert names its route.
 */
export function renderAlertRules(gates: Gates): string {
  const rules: AlertingRule[] = [
    {
      alert: "MigrationFastapiErrorRatioAboveFlask",
      expr: whenBothJudged(`${SERIES.errorRatioDelta} > ${gates.errorRatioMargin}`, gates),
      for: PENDING_FOR,
      labels: { severity: "critical" },
      annotations: {
        summary: `FastAPI's 5xx ratio on route {{ $labels.route }} is {{ $value | humanizePercentage }} above Flask's over the last ${gates.window} (allowed: ${percent(gates.errorRatioMargin)})`,
      },
    },
    {
      alert: "MigrationFastapiLatencyP99AboveFlask",
      expr: whenBothJudged(`${SERIES.latencyP99Ratio} > ${gates.latencyP99Multiple}`, gates),
      for: PENDING_FOR,
      labels: { severity: "warning" },
      annotations: {
        summary: `FastAPI's p99 latency on route {{ $labels.route }} is {{ $value | humanize }} times Flask's over the last ${gates.window} (allowed: ${gates.latencyP99Multiple})`,
      },
    },
    ...BACKENDS.map((backend) => starvedBackendRule(backend, gates)),
    {
      // Failover hides a failing backend from the clients; this is what keeps it from hiding it from the operators.
      alert: "MigrationFailover",
      // Half a failover per window: one failover fires it, the float noise of Traefik's difference of counters does not.
      expr: `${SERIES.failoverRate} > ${0.5 / (parseDuration(gates.window) / 1000)}`,
      for: PENDING_FOR,
      labels: { severity: "warning" },
      annotations: {
        summary: `Requests on route {{ $labels.route }} failed on one backend and were sent to the other, {{ printf "%.2f" $value }} per second over the last ${gates.window}: a backend is failing (its figures count each failed attempt)`,
      },
    },
  ];
  return renderRuleFile([{ name: "migration-gates", rules }]);
}
