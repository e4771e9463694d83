import { type ConfigPath } from "../config/issues";
import { describeMatcher } from "../config/routeConflicts";
import { routesOf, type MigrationMap, type Route } from "../routing/route";
import { DEFAULT_ROUTE_ID } from "../routing/routeIds";
import { CutoverInputError } from "./inputError";

/** One weight the cutover can move: a configured route, or the default route for every other path. */
export interface RouteTarget extends Route {
  /** Where the weight lives in the namespace's config, e.g. `["routes", 0, "weight"]`. */
  readonly configPath: ConfigPath;
}

/** Every weight of a map, in match order, the default route last (as in the routing plan). */
export function routeTargets(map: MigrationMap): RouteTarget[] {
  return routesOf(map).map((route, index) => ({
    ...route,
    configPath: route.id === DEFAULT_ROUTE_ID ? ["defaultWeight"] : ["routes", index, "weight"],
  }));
}

export function describeTarget(target: RouteTarget): string {
  return target.id === DEFAULT_ROUTE_ID ? "every other path (defaultWeight)" : describeMatcher(target);
}

/**
 * Finds the route a user named: by id (as in metrics and dashboards), or by its path as written in config. A path
 * shared by several routes (different methods) is ambiguous and must be named by id.
 */
export function resolveRoute(targets: readonly RouteTarget[], name: string, stackName: string): RouteTarget {
  const byId = targets.find((target) => target.id === name);
  if (byId) return byId;
  // The default route's "/" is no path of the config: it is named by its id only.
  const byPath = targets.filter((target) => target.id !== DEFAULT_ROUTE_ID && target.path === name);
  if (byPath.length === 1) return byPath[0];
  if (byPath.length > 1) {
    throw new CutoverInputError(
      `route "${name}" is ambiguous on stack ${stackName}: it is the path of ${byPath.map((target) => `${target.id} (${describeTarget(target)})`).join(" and ")}; name one by its id`,
    );
  }
  const known = targets.map((target) => `${target.id} = ${describeTarget(target)}`).join("; ");
  throw new CutoverInputError(
    `unknown route "${name}" on stack ${stackName}; name a route by its path as in config or by its id: ${known}`,
  );
}
