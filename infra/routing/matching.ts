import type { HttpMethod } from "../config/schema";
import type { RouteMatcher } from "../config/routeConflicts";

/** A route as deployed or configured: what it matches and the share of its traffic that goes to FastAPI. */
export interface WeightedRoute extends RouteMatcher {
  readonly weight: number;
}

/** The whole migration map: routes in match order, and the weight for requests that match none of them. */
export interface MigrationMap {
  readonly defaultWeight: number;
  readonly routes: readonly WeightedRoute[];
}

/** First match wins, by path prefix and method; requests that match no route get the default weight. */
export function effectiveWeight(map: MigrationMap, path: string, method: HttpMethod): number {
  const match = map.routes.find((route) => path.startsWith(route.path) && (!route.methods || route.methods.includes(method)));
  return match ? match.weight : map.defaultWeight;
}
