import type { PlatformConfig } from "../config/schema";
import { routeBackendService } from "../render/traefik/dynamicConfig";
import type { BackendName } from "../routing/plan";
import { appRouteRate, type RouteMatch } from "./appRouteAttribution";
import { selector, type LabelMatcher } from "./promql";

/** A route as the recording rules need it: its id and what it matches (never its weight). */
export interface RouteToObserve extends RouteMatch {
  readonly id: string;
}

/** Label-free PromQL for the requests of one route served by one backend, over the gates window. */
export interface RouteBackendQueries {
  /** `rate` (per second) or `increase` (a count) of all requests, or of the 5xx responses only. */
  readonly requests: (fn: "rate" | "increase", serverErrorsOnly: boolean) => string;
  /** The per-second rate of each latency bucket, summed by `le`: the input of histogram_quantile. */
  readonly latencyBuckets: string;
}

const SERVER_ERRORS: LabelMatcher = { label: "code", op: "=~", value: "5.." };

/** Written by the Lua router (infra/render/nginx/migration_router.lua), labelled route, backend and code. */
const NGINX_REQUESTS = "migration_ingress_requests_total";
/** The apps' histogram (observability.py / metrics.py), labelled backend, method and route (a URL template). */
const APP_LATENCY_BUCKETS = "app_http_request_duration_seconds_bucket";

/**
 * Traefik: everything comes from the ingress's per-service metrics of the route's own service for the backend
 * (routeBackendService; the file provider qualifies names with "@file"). They count what clients saw, a backend that
 * cannot be reached included, and their latency is measured at the ingress the same way for both backends.
 */
function traefikQueries(route: RouteToObserve, backend: BackendName, window: string): RouteBackendQueries {
  const service: LabelMatcher = { label: "service", op: "=", value: `${routeBackendService(route.id, backend)}@file` };
  return {
    requests: (fn, serverErrorsOnly) =>
      `sum(${fn}(${selector("traefik_service_requests_total", serverErrorsOnly ? [service, SERVER_ERRORS] : [service])}[${window}]))`,
    latencyBuckets: `sum by (le) (rate(${selector("traefik_service_request_duration_seconds_bucket", [service])}[${window}]))`,
  };
}

/**
 * nginx: counts and status codes from the Lua router's counters, which already carry the route id and the backend it
 * chose. It measures no latency, so latency comes from the apps' own histograms, attributed to routes by URL template
 * (appRouteRate). That is the time inside the app, without the ingress hop, for both backends alike.
 */
function nginxQueries(
  routes: readonly RouteToObserve[],
  index: number,
  backend: BackendName,
  window: string,
): RouteBackendQueries {
  const routeAndBackend: LabelMatcher[] = [
    { label: "route", op: "=", value: routes[index].id },
    { label: "backend", op: "=", value: backend },
  ];
  return {
    requests: (fn, serverErrorsOnly) =>
      `sum(${fn}(${selector(NGINX_REQUESTS, serverErrorsOnly ? [...routeAndBackend, SERVER_ERRORS] : routeAndBackend)}[${window}]))`,
    latencyBuckets: `sum by (le) (${appRouteRate(APP_LATENCY_BUCKETS, routes, index, backend, window)})`,
  };
}

/** Where the figures of `routes[index]` served by `backend` come from, for the ingress flavour in use. */
export function routeBackendQueries(
  ingress: PlatformConfig["ingress"],
  routes: readonly RouteToObserve[],
  index: number,
  backend: BackendName,
  window: string,
): RouteBackendQueries {
  return ingress === "traefik"
    ? traefikQueries(routes[index], backend, window)
    : nginxQueries(routes, index, backend, window);
}
