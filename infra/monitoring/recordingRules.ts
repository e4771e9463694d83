import { BACKENDS } from "../routing/plan";
import type { Route } from "../routing/route";
import { routeBackendQueries, routeFailoverQuery, type RouteFigures } from "./routeBackendSources";
import { renderRuleFile, type RecordingRule } from "./ruleGroups";
import { SERIES } from "./seriesNames";

export const RECORDING_RULES_FILE = "migration.rules.yml";

const LATENCY_QUANTILES = [
  { record: SERIES.latencyP50, quantile: 0.5 },
  { record: SERIES.latencyP95, quantile: 0.95 },
  { record: SERIES.latencyP99, quantile: 0.99 },
] as const;

function routeBackendRules(figures: RouteFigures, routes: readonly Route[], window: string): RecordingRule[] {
  return routes.flatMap((route) => [
    {
      record: SERIES.failoverRate,
      expr: routeFailoverQuery(figures, route, "perSecond", window),
      labels: { route: route.id },
    },
    ...BACKENDS.flatMap((backend): RecordingRule[] => {
      const queries = routeBackendQueries(figures, route, backend, window);
      const labels = { route: route.id, backend };
      return [
        { record: SERIES.requestsInWindow, expr: queries.requests("increase", false), labels },
        { record: SERIES.requestRate, expr: queries.requests("rate", false), labels },
        // No 5xx series yet means no 5xx, hence `or vector(0)` on the numerator only: without requests the
        // denominator is absent or 0 and the ratio stays absent or NaN, never a reassuring 0.
        {
          record: SERIES.errorRatio,
          expr: `(${queries.requests("increase", true)} or vector(0)) / ${queries.requests("increase", false)}`,
          labels,
        },
        ...LATENCY_QUANTILES.map(({ record, quantile }) => ({
          record,
          expr: `histogram_quantile(${quantile}, ${queries.latencyBuckets})`,
          labels,
        })),
      ];
    }),
  ]);
}

/** Rules over the per-route, per-backend series above; they are evaluated after them, in the same group. */
const COMPARISON_RULES: readonly RecordingRule[] = [
  {
    record: SERIES.observedShare,
    expr: `${SERIES.requestsInWindow} / on (route) group_left sum by (route) (${SERIES.requestsInWindow})`,
  },
  {
    record: SERIES.errorRatioDelta,
    expr: `${SERIES.errorRatio}{backend="fastapi"} - on (route) ${SERIES.errorRatio}{backend="flask"}`,
  },
  {
    record: SERIES.latencyP99Ratio,
    expr: `${SERIES.latencyP99}{backend="fastapi"} / on (route) ${SERIES.latencyP99}{backend="flask"}`,
  },
];

/**
 * The recording rules of the Flask-vs-FastAPI comparison, per route of the plan (the default route included) and per
 * backend, over the gates window. They depend on what routes match, never on their weights, so a cutover step leaves
 * this file unchanged (the weights come apart, see weightRules.ts and publishedWeights.ts). `figures` says which series
 * the routes' figures come from (routeBackendSources.ts).
 */
export function renderRecordingRules(figures: RouteFigures, routes: readonly Route[], window: string): string {
  // One group: rules of a group run in order, so the comparisons see this evaluation's figures, not the last one's.
  return renderRuleFile([
    {
      name: "migration-route-backend",
      rules: [...routeBackendRules(figures, routes, window), ...COMPARISON_RULES],
    },
  ]);
}
