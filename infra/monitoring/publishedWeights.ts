import type { Route } from "../routing/route";
import { renderRuleFile } from "./ruleGroups";
import { SERIES } from "./seriesNames";

/** Where the ingress serves the weights, on its metrics port. */
export const PUBLISHED_WEIGHTS_PATH = "/migration/weights";
/** The Prometheus text format the endpoint answers in. */
export const PUBLISHED_WEIGHTS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
const PUBLISHED_WEIGHT_METRIC = "migration_published_weight";
/** The rule file that turns the scraped weights into the configured-weight series; it never changes. */
export const PUBLISHED_WEIGHT_RULES_FILE = "published-weights.rules.yml";

/**
 * The configured FastAPI weight of every route in Prometheus's text format, as the ingress serves it where a weight
 * step updates objects the ingress watches (Kubernetes): Prometheus follows a step within a scrape interval, where a
 * rule file in a mounted ConfigMap would wait for the kubelet's sync (a minute or more).
 */
export function renderPublishedWeights(routes: readonly Pick<Route, "id" | "weight">[]): string {
  return [
    `# HELP ${PUBLISHED_WEIGHT_METRIC} The FastAPI weight of the route, in percent, as last published to the ingress.`,
    `# TYPE ${PUBLISHED_WEIGHT_METRIC} gauge`,
    ...routes.map((route) => `${PUBLISHED_WEIGHT_METRIC}{route=${JSON.stringify(route.id)}} ${route.weight}`),
    "",
  ].join("\n");
}

/**
 * The configured weight of each route from the scraped endpoint, without the scrape's own labels: the same series as
 * the weight rules (weightRules.ts) give where the weights are a file. Absent while no ingress answers, rather than
 * a weight that may be stale.
 */
export function renderPublishedWeightRules(): string {
  return renderRuleFile([
    {
      name: "migration-configured-weights",
      rules: [{ record: SERIES.configuredWeight, expr: `max by (route) (${PUBLISHED_WEIGHT_METRIC})` }],
    },
  ]);
}
