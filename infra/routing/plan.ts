import { routesOf, type MigrationMap, type Route, type WeightedRoute } from "./route";

export const BACKENDS = ["fastapi", "flask"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** The response header both ingress flavours add to name the backend that answered. */
export const SERVED_BY_HEADER = "X-Served-By";

export interface PlannedRoute extends Route {
  /** Set when the route is split and sticky: one name per route and weight, so a new step re-deals every client. */
  readonly stickyCookie?: string;
}

/** The path the demo apps (and any app run as `managed`) answer health probes on. */
export const APP_HEALTH_PATH = "/healthz";

export interface BackendEndpoints {
  /** `host:port` of each replica, plain HTTP. */
  readonly servers: readonly string[];
  /** Probed by the ingress to skip unhealthy replicas; unset for an external deployment whose probes we do not know. */
  readonly healthPath?: string;
}

export interface Backend extends BackendEndpoints {
  readonly name: BackendName;
}

/** Everything an ingress renderer needs, and nothing it would have to compute again. */
export interface RoutingPlan {
  /** In match order; the last one is the catch-all default route. */
  readonly routes: readonly PlannedRoute[];
  readonly fastapi: Backend;
  /** Absent when no route sends Flask any traffic, so that Flask can be decommissioned without a dangling upstream. */
  readonly flask?: Backend;
  readonly overrideHeader: string;
  readonly servedByHeader: string;
}

/** How the ingress routes, whatever the weights: a platform config is one. */
export interface RoutingSettings {
  readonly sticky: boolean;
  readonly overrideHeader: string;
}

export interface BackendServers {
  readonly fastapi: BackendEndpoints;
  readonly flask: BackendEndpoints;
}

export function routeUses(route: Pick<WeightedRoute, "weight">, backend: BackendName): boolean {
  return backend === "fastapi" ? route.weight > 0 : route.weight < 100;
}

export function isSplit(route: Pick<WeightedRoute, "weight">): boolean {
  return route.weight > 0 && route.weight < 100;
}

export function buildRoutingPlan(map: MigrationMap, settings: RoutingSettings, servers: BackendServers): RoutingPlan {
  const routes = routesOf(map).map((route): PlannedRoute => ({
    ...route,
    stickyCookie:
      settings.sticky && isSplit(route) ? `migration_${route.id.replace(/-/g, "_")}_w${route.weight}` : undefined,
  }));
  const flaskNeeded = routes.some((route) => routeUses(route, "flask"));
  return {
    routes,
    fastapi: { name: "fastapi", ...servers.fastapi },
    flask: flaskNeeded ? { name: "flask", ...servers.flask } : undefined,
    overrideHeader: settings.overrideHeader,
    servedByHeader: SERVED_BY_HEADER,
  };
}
