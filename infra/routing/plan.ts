import { routesOf, type MigrationMap, type Route, type WeightedRoute } from "./route";

export const BACKENDS = ["fastapi", "flask"] as const;
export type BackendName = (typeof BACKENDS)[number];

/**
 * The response header that names the backend that answered. The apps send it themselves; nginx sets it too, from its own
 * choice. Traefik passes the apps' along: it can only add headers per router, and with failover a router no longer
 * knows which backend will answer.
 */
export const SERVED_BY_HEADER = "X-App-Backend";

/**
 * The methods failover retries on the other backend: a request with these has no body, and the HTTP semantics say that
 * sending it twice changes nothing. Any other request may have reached an app, and is never sent twice.
 */
export const FAILOVER_METHODS = ["GET", "HEAD", "OPTIONS"] as const;

export interface PlannedRoute extends Route {
  /** Set when the route is split and sticky: one name per route and weight, so a new step re-deals every client. */
  readonly stickyCookie?: string;
  /**
   * With failover, whether the route's share of a backend with no live replica goes to the other backend: on a route
   * FastAPI has a share of, both ways (Flask is the backup of FastAPI's share, and FastAPI of Flask's). Never on a route
   * at 0%: it is Flask's alone, FastAPI may not serve it yet, and a Flask that a probe saw as down (dead, or only too
   * busy to answer it in time) must not hand FastAPI a route it was never given. Replicas of the same backend still
   * back each other up.
   */
  readonly otherBackendFallback: boolean;
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
  /**
   * Whether a request that cannot reach the backend picked for it goes to the other one: both backends are probed for
   * health (a dead one takes no new requests), and a FAILOVER_METHODS request that the ingress itself failed (a refused,
   * broken or timed-out connection) is sent once more, to a live replica or the other backend, within a retry budget.
   * Never for the override header. Only where both backends have a health path (not with an external Flask).
   */
  readonly failover: boolean;
}

/** How the ingress routes, whatever the weights: a platform config is one. */
export interface RoutingSettings {
  readonly sticky: boolean;
  readonly overrideHeader: string;
  /** `migration:failover`: on unless turned off. */
  readonly failover: boolean;
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
  const failover =
    settings.failover && servers.fastapi.healthPath !== undefined && servers.flask.healthPath !== undefined;
  const routes = routesOf(map).map((route): PlannedRoute => ({
    ...route,
    stickyCookie:
      settings.sticky && isSplit(route) ? `migration_${route.id.replace(/-/g, "_")}_w${route.weight}` : undefined,
    otherBackendFallback: failover && routeUses(route, "fastapi"),
  }));
  // With failover, Flask stays in the routing as the backup of 100% FastAPI routes: an ingress that finds it gone (its
  // stack destroyed) marks it down and serves on, so its decommission needs no platform update first.
  const flaskNeeded = failover || routes.some((route) => routeUses(route, "flask"));
  return {
    routes,
    fastapi: { name: "fastapi", ...servers.fastapi },
    flask: flaskNeeded ? { name: "flask", ...servers.flask } : undefined,
    overrideHeader: settings.overrideHeader,
    servedByHeader: SERVED_BY_HEADER,
    failover,
  };
}
