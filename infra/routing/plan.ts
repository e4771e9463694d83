import type { HttpMethod, PlatformConfig } from "../config/schema";
import { assignRouteIds, DEFAULT_ROUTE_ID } from "./routeIds";

export const BACKENDS = ["fastapi", "flask"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** The response header both ingress flavours add to name the backend that answered. */
export const SERVED_BY_HEADER = "X-Served-By";

export interface PlannedRoute {
  readonly id: string;
  readonly pathPrefix: string;
  /** Undefined means every method. */
  readonly methods?: readonly HttpMethod[];
  readonly fastapiWeight: number;
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

export interface BackendServers {
  readonly fastapi: BackendEndpoints;
  readonly flask: BackendEndpoints;
}

export function routeUses(route: PlannedRoute, backend: BackendName): boolean {
  return backend === "fastapi" ? route.fastapiWeight > 0 : route.fastapiWeight < 100;
}

export function isSplit(route: Pick<PlannedRoute, "fastapiWeight">): boolean {
  return route.fastapiWeight > 0 && route.fastapiWeight < 100;
}

export function buildRoutingPlan(config: PlatformConfig, servers: BackendServers): RoutingPlan {
  const ids = assignRouteIds(config.routes);
  const plan = (
    id: string,
    pathPrefix: string,
    methods: readonly HttpMethod[] | undefined,
    fastapiWeight: number,
  ): PlannedRoute => ({
    id,
    pathPrefix,
    methods,
    fastapiWeight,
    stickyCookie:
      config.sticky && isSplit({ fastapiWeight }) ? `migration_${id.replace(/-/g, "_")}_w${fastapiWeight}` : undefined,
  });
  const routes = [
    ...config.routes.map((route, index) => plan(ids[index], route.path, route.methods, route.weight)),
    plan(DEFAULT_ROUTE_ID, "/", undefined, config.defaultWeight),
  ];
  const flaskNeeded = routes.some((route) => routeUses(route, "flask"));
  return {
    routes,
    fastapi: { name: "fastapi", ...servers.fastapi },
    flask: flaskNeeded ? { name: "flask", ...servers.flask } : undefined,
    overrideHeader: config.overrideHeader,
    servedByHeader: SERVED_BY_HEADER,
  };
}
