import type { Route } from "../routing/route";
import { renderRuleFile } from "./ruleGroups";
import { SERIES } from "./seriesNames";

/** The file name of the weight rules, the one rule file that changes at every cutover step. */
export const WEIGHT_RULES_FILE = "weights.rules.yml";

/**
 * The configured FastAPI weight of every route, as a series Prometheus can set beside the observed share and alert
 * on. Alone in its file so that a weight change rewrites this file only, which Prometheus picks up on a reload.
 */
export function renderWeightRules(routes: readonly Pick<Route, "id" | "weight">[]): string {
  return renderRuleFile([
    {
      name: "migration-configured-weights",
      rules: routes.map((route) => ({
        record: SERIES.configuredWeight,
        expr: `vector(${route.weight})`,
        labels: { route: route.id },
      })),
    },
  ]);
}
