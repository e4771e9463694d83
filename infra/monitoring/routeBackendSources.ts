import type { PlatformConfig } from "../config/schema";
import { parseDuration } from "../cutover/duration";
import { BACKENDS, type BackendName } from "../routing/plan";
import { DEFAULT_ROUTE_ID } from "../routing/routeIds";
import type { Route, RouteMatcher } from "../routing/route";
import type { RouteFigureSource, TraefikMetricNames } from "./monitoringFacts";
import { selector, type LabelMatcher } from "./promql";

/**
 * Where the per-route figures come from, with what each source needs: Traefik's names of the route's services and
 * routers, nothing for nginx (its Lua router labels its series by route), every route for the apps (a route takes the
 * requests that no route before it matches).
 */
export type RouteFigures =
  | { readonly kind: "traefik"; readonly names: TraefikMetricNames }
  | { readonly kind: "nginx" }
  | { readonly kind: "apps"; readonly routes: readonly Route[] };

export function routeFiguresOf(
  ingress: PlatformConfig["ingress"],
  source: RouteFigureSource,
  routes: readonly Route[],
): RouteFigures {
  if (source.from === "apps") return { kind: "apps", routes };
  return ingress === "traefik" ? { kind: "traefik", names: source.traefikNames } : { kind: "nginx" };
}

/** Label-free PromQL for the requests of one route served by one backend, over the gates window. */
export interface RouteBackendQueries {
  /** `rate` (per second) or `increase` (a count) of all requests, or of the 5xx responses only. */
  readonly requests: (fn: "rate" | "increase", serverErrorsOnly: boolean) => string;
  /** The per-second rate of each latency bucket, summed by `le`: the input of histogram_quantile. */
  readonly latencyBuckets: string;
}

const SERVER_ERRORS: LabelMatcher = { label: "code", op: "=~", value: "5.." };

/** `name` as a regular expression that matches it alone (Traefik's names may hold dots, from a namespace or host). */
const escapeRegex = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Traefik: from the ingress's per-service metrics of the route's own service for the backend, and of its fallback
 * service for the backend where the target has one: requests the other backend served because every replica of this
 * one was down count as this one's, all failed. `names` says how Traefik names them on the target.
 */
function traefikQueries(
  route: Pick<Route, "id">,
  backend: BackendName,
  window: string,
  names: TraefikMetricNames,
): RouteBackendQueries {
  const own = names.routeBackend(route.id, backend);
  const fallback = names.routeFallback?.(route.id, backend);
  const ofService = (service: string): LabelMatcher => ({ label: "service", op: "=", value: service });
  return {
    requests: (fn, serverErrorsOnly) => {
      const count = (matchers: LabelMatcher[]) =>
        `${fn}(${selector("traefik_service_requests_total", matchers)}[${window}])`;
      if (!fallback) return `sum(${count(serverErrorsOnly ? [ofService(own), SERVER_ERRORS] : [ofService(own)])})`;
      // `or` keeps whichever of the two series exist (their service labels differ), so that one missing never hides the
      // other, and the sum is absent (no data) only when both are.
      return serverErrorsOnly
        ? `sum(${count([ofService(own), SERVER_ERRORS])} or ${count([ofService(fallback)])})`
        : `sum(${count([{ label: "service", op: "=~", value: `${escapeRegex(own)}|${escapeRegex(fallback)}` }])})`;
    },
    latencyBuckets: `sum by (le) (rate(${selector("traefik_service_request_duration_seconds_bucket", [ofService(own)])}[${window}]))`,
  };
}

/**
 * nginx: from the Lua router's counters and histogram (infra/render/nginx/migration_router.lua), which carry the route
 * id and the backend it chose.
 */
function nginxQueries(route: Pick<Route, "id">, backend: BackendName, window: string): RouteBackendQueries {
  const routeAndBackend: LabelMatcher[] = [
    { label: "route", op: "=", value: route.id },
    { label: "backend", op: "=", value: backend },
  ];
  return {
    requests: (fn, serverErrorsOnly) =>
      `sum(${fn}(${selector("migration_ingress_requests_total", serverErrorsOnly ? [...routeAndBackend, SERVER_ERRORS] : routeAndBackend)}[${window}]))`,
    latencyBuckets: `sum by (le) (rate(${selector("migration_ingress_request_duration_seconds_bucket", routeAndBackend)}[${window}]))`,
  };
}

/** The apps' own routes, which no client request of the migration is: the probes' and Prometheus's. */
const OPERATIONAL_ROUTES: LabelMatcher = { label: "route", op: "!~", value: "/healthz.*|/metrics" };

/**
 * The apps' route templates (e.g. `/api/users/{user_id}`) that a path prefix takes, as the Gateway API matches a prefix:
 * by whole segments. A prefix that ends inside a path parameter matches no template.
 */
function prefixTemplates(path: string): string {
  return path.endsWith("/") ? `${escapeRegex(path)}.*` : `${escapeRegex(path)}(/.*)?`;
}

/** The labels of the apps' series that a route matches (the default route matches all). */
function appMatchers(route: RouteMatcher & Pick<Route, "id">): LabelMatcher[] {
  if (route.id === DEFAULT_ROUTE_ID) return [];
  return [
    { label: "route", op: "=~", value: prefixTemplates(route.path) },
    ...(route.methods ? [{ label: "method", op: "=~" as const, value: route.methods.join("|") }] : []),
  ];
}

/**
 * The apps: from both apps' own request counter and latency histogram (the same names, labels, route templates and
 * buckets in both), for the requests of `route` and of no route before it, as the Gateway routes them (validation keeps
 * its precedence and the map's order the same). Measured inside the app, so unlike the ingress's figures they miss
 * requests that never reached one (a backend with no ready pod) and count those sent by the override header, and a
 * request the apps label `unmatched` (no route of theirs) counts on the default route.
 */
function appQueries(route: Route, routes: readonly Route[], backend: BackendName, window: string): RouteBackendQueries {
  const position = routes.findIndex(({ id }) => id === route.id);
  const earlier = routes.slice(0, position);
  // `unless` drops the series of a request an earlier route takes, whatever the backend: on the template and method.
  const ofRoute = (fn: "rate" | "increase", metric: string, extra: LabelMatcher[]) => {
    const own = selector(metric, [
      { label: "backend", op: "=", value: backend },
      OPERATIONAL_ROUTES,
      ...appMatchers(route),
      ...extra,
    ]);
    const taken = earlier.map((other) => ` unless on (method, route) ${selector(metric, appMatchers(other))}`).join("");
    return `${fn}(${own}[${window}])${taken}`;
  };
  return {
    requests: (fn, serverErrorsOnly) =>
      `sum(${ofRoute(fn, "app_http_requests_total", serverErrorsOnly ? [{ label: "status", op: "=~", value: "5.." }] : [])})`,
    latencyBuckets: `sum by (le) (${ofRoute("rate", "app_http_request_duration_seconds_bucket", [])})`,
  };
}

/**
 * How much the series of `selected` grew over the last `window`: today's sum less the sum `window` ago. Failovers come in
 * bursts on series that appear with the burst (a new status code, a new from/to pair), and `increase`/`rate` leave out
 * what a series counted before its first sample in the window, so a burst would count as nothing. Absent without any
 * series now; a counter reset (the ingress restarted) reads as nothing rather than negative.
 */
function growth(selected: string, window: string): string {
  return `clamp_min(sum(${selected}) - (sum(${selected} offset ${window}) or vector(0)), 0)`;
}

/**
 * Failovers on `route` (`count` over the window, or per second): requests that failed on one backend and were sent
 * again, or that the other backend served because every replica of theirs was down. nginx counts them itself. Traefik
 * has no retry metric (its plugins can export none, and the retry is the project's plugin): every attempt counts in a
 * service's figures and every request once in its router's, so the attempts beyond the requests are the retries; its fallback services
 * count the rest.
 */
export function routeFailoverQuery(
  figures: RouteFigures,
  route: Route,
  as: "count" | "perSecond",
  window: string,
): string {
  const perWindow = as === "count" ? "" : ` / ${parseDuration(window) / 1000}`;
  if (figures.kind === "apps") {
    // No failover behind a Gateway (validation refuses it): zero while the route has traffic, absent without.
    const [fastapi, flask] = BACKENDS.map((backend) =>
      appQueries(route, figures.routes, backend, window).requests("rate", false),
    );
    return `0 * (${fastapi} or ${flask})`;
  }
  if (figures.kind === "nginx") {
    const ofRoute = [{ label: "route", op: "=" as const, value: route.id }];
    // nginx has a failover series only once one happened: a route with traffic and none has zero, not no data.
    return `(${growth(selector("migration_ingress_failovers_total", ofRoute), window)} or 0 * ${growth(selector("migration_ingress_requests_total", ofRoute), window)})${perWindow}`;
  }
  const { names } = figures;
  const grown = (metric: string, label: string, pattern: string) =>
    growth(selector(metric, [{ label, op: "=~", value: pattern }]), window);
  const fallbacks = BACKENDS.flatMap((backend) => names.routeFallback?.(route.id, backend) ?? []).map(escapeRegex);
  const services = [...BACKENDS.map((backend) => escapeRegex(names.routeBackend(route.id, backend))), ...fallbacks];
  const attempts = grown("traefik_service_requests_total", "service", services.join("|"));
  const requests = grown("traefik_router_requests_total", "router", names.routeRouters(route.id));
  // The two counters are scraped at once but advance at different moments of a request: never below zero.
  const retries = `clamp_min(${attempts} - ${requests}, 0)`;
  if (fallbacks.length === 0) return `${retries}${perWindow}`;
  return `((${grown("traefik_service_requests_total", "service", fallbacks.join("|"))} or vector(0)) + ${retries})${perWindow}`;
}

/**
 * Where the figures of `route` served by `backend` come from. Both ingress flavours measure at the ingress, so the two
 * backends are measured alike: what clients saw, a backend that cannot be reached included, and latency from the same
 * clock whether an app queues a request in a thread pool or in an event loop. Behind the cluster's own Gateway, both
 * apps measure the same way themselves.
 */
export function routeBackendQueries(
  figures: RouteFigures,
  route: Route,
  backend: BackendName,
  window: string,
): RouteBackendQueries {
  switch (figures.kind) {
    case "traefik":
      return traefikQueries(route, backend, window, figures.names);
    case "nginx":
      return nginxQueries(route, backend, window);
    case "apps":
      return appQueries(route, figures.routes, backend, window);
  }
}
