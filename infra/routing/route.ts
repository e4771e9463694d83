import type { HttpMethod } from "../config/schema";
import { assignRouteIds, DEFAULT_ROUTE_ID } from "./routeIds";

/** What a route matches: a path prefix and, optionally, methods (undefined = every method). First match wins. */
export interface RouteMatcher {
  readonly path: string;
  readonly methods?: readonly HttpMethod[];
}

/** A route of the migration map: what it matches and the percentage of its traffic that goes to FastAPI. */
export interface WeightedRoute extends RouteMatcher {
  readonly weight: number;
}

/**
 * A route as every stage after the config knows it: its stable id too. The default route is last, with id "default"
 * and path "/".
 */
export interface Route extends WeightedRoute {
  readonly id: string;
}

/** The whole migration map: routes in match order, and the weight for requests that match none of them. */
export interface MigrationMap {
  readonly defaultWeight: number;
  readonly routes: readonly WeightedRoute[];
}

/**
 * Every route of a map with its id, in match order, then the default route: "/" matches every request, so as the last
 * route it takes exactly those that no other route does.
 */
export function routesOf(map: MigrationMap): Route[] {
  const ids = assignRouteIds(map.routes);
  return [
    ...map.routes.map((route, index) => ({
      id: ids[index],
      path: route.path,
      methods: route.methods,
      weight: route.weight,
    })),
    { id: DEFAULT_ROUTE_ID, path: "/", weight: map.defaultWeight },
  ];
}
