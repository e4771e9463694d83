import { configKey, type ConfigIssue } from "../config/issues";
import { describeMatcher } from "../config/routeConflicts";
import { HTTP_METHODS } from "../config/schema";
import { effectiveWeight } from "./matching";
import type { MigrationMap, RouteMatcher } from "./route";

const ROLLBACK_NOTE = "advance in smaller steps (changes toward Flask, i.e. rollbacks, are never limited)";

/**
 * Limits how far one update may move traffic toward FastAPI, compared with what is deployed now. Every path and
 * method that either map names is probed, so adding, removing or reordering routes cannot sneak past the limit.
 */
export function checkStepSize(
  deployed: MigrationMap | undefined,
  next: MigrationMap,
  maxStep: number,
  namespace: string,
): ConfigIssue[] {
  if (!deployed) return [];
  const issues: ConfigIssue[] = [];
  if (next.defaultWeight - deployed.defaultWeight > maxStep) {
    issues.push({
      key: configKey(namespace, ["defaultWeight"]),
      value: next.defaultWeight,
      expected: `at most ${deployed.defaultWeight + maxStep}: maxStep is ${maxStep} and ${deployed.defaultWeight} is deployed; ${ROLLBACK_NOTE}`,
    });
  }
  const probes = uniqueMatchers([...next.routes, ...deployed.routes]);
  for (const probe of probes) {
    const rise = largestRise(deployed, next, probe);
    if (!rise || rise.to - rise.from <= maxStep) continue;
    const index = next.routes.findIndex((route) => matcherKey(route) === matcherKey(probe));
    issues.push({
      key: configKey(namespace, index >= 0 ? ["routes", index, "weight"] : ["routes"]),
      value: index >= 0 ? next.routes[index].weight : `${describeMatcher(probe)} removed`,
      expected:
        `at most ${rise.from + maxStep}% FastAPI for ${describeMatcher(probe)} (${rise.method}): ${rise.from}% is deployed and ` +
        `maxStep is ${maxStep}, this update would make it ${rise.to}%; ${ROLLBACK_NOTE}`,
    });
  }
  return issues;
}

function largestRise(deployed: MigrationMap, next: MigrationMap, probe: RouteMatcher) {
  const methods = probe.methods ?? HTTP_METHODS;
  return methods
    .map((method) => ({
      method,
      from: effectiveWeight(deployed, probe.path, method),
      to: effectiveWeight(next, probe.path, method),
    }))
    .reduce<{ method: string; from: number; to: number } | undefined>(
      (worst, candidate) => (!worst || candidate.to - candidate.from > worst.to - worst.from ? candidate : worst),
      undefined,
    );
}

/** Same path and same methods, in configured order. */
function matcherKey(route: RouteMatcher): string {
  return `${route.path} ${(route.methods ?? []).join(",")}`;
}

function uniqueMatchers(routes: readonly RouteMatcher[]): RouteMatcher[] {
  const seen = new Map<string, RouteMatcher>();
  for (const route of routes) seen.set(matcherKey(route), { path: route.path, methods: route.methods });
  return [...seen.values()];
}
