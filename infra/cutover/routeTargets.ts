import { type ConfigPath } from "../config/issues";
import { describeMatcher } from "../config/routeConflicts";
import type { HttpMethod } from "../config/schema";
import type { MigrationMap } from "../routing/matching";
import { assignRouteIds, DEFAULT_ROUTE_ID } from "../routing/routeIds";
import { CutoverInputError } from "./inputError";

/** One weight the cutover can move: a configured route, or the default route for every other path. */
export interface RouteTarget {
  /** The routing plan's id, also the `route` label of the metrics. */
  readonly id: string;
  /** Undefined for the default route. */
  readonly path?: string;
  readonly methods?: readonly HttpMethod[];
  readonly weight: number;
  /** Where the weight lives in the namespace's config, e.g. `["routes", 0, "weight"]`. */
  readonly configPath: ConfigPath;
}

/** Every weight of a map, in match order, the default route last (as in the routing plan). */
export function routeTargets(map: MigrationMap): RouteTarget[] {
  const ids = assignRouteIds(map.routes);
  return [
    ...map.routes.map((route, index) => ({
      id: ids[index],
      path: route.path,
      methods: route.methods,
      weight: route.weight,
      configPath: ["routes", index, "weight"],
    })),
    { id: DEFAULT_ROUTE_ID, weight: map.defaultWeight, configPath: ["defaultWeight"] },
  ];
}

export function describeTarget(target: RouteTarget): string {
  return target.path === undefined
    ? "every other path (defaultWeight)"
    : describeMatcher({ path: target.path, methods: target.methods });
}

/**
 * Finds the route a user named: by id (as in metrics and dashboards), or by its path as written in config. A path
 * shared by several routes (different methods) is ambiguous and must be named by id.
 */
export function resolveRoute(targets: readonly RouteTarget[], name: string, stackName: string): RouteTarget {
  const byId = targets.find((target) => target.id === name);
  if (byId) return byId;
  const byPath = targets.filter((target) => target.path === name);
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
