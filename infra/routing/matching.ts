import type { HttpMethod } from "../config/schema";
import type { MigrationMap, RouteMatcher } from "./route";

/** First match wins, by path prefix and method: the index of the route that takes a request, or -1 for the default route. */
export function matchingRouteIndex(routes: readonly RouteMatcher[], path: string, method: HttpMethod): number {
  return routes.findIndex((route) => path.startsWith(route.path) && (!route.methods || route.methods.includes(method)));
}

/** Requests that match no route get the default weight. */
export function effectiveWeight(map: MigrationMap, path: string, method: HttpMethod): number {
  const index = matchingRouteIndex(map.routes, path, method);
  return index >= 0 ? map.routes[index].weight : map.defaultWeight;
}
