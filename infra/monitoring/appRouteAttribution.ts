import { APP_HEALTH_PATH, type BackendName, type PlannedRoute } from "../routing/plan";
import { oneOfRegex, prefixRegex, selector, type LabelMatcher } from "./promql";

/** Where both apps serve their Prometheus metrics (scraped directly, never through the ingress). */
export const APP_METRICS_PATH = "/metrics";

/** What a route matches; its weight plays no part in attribution, so a weight change never rewrites these rules. */
export type RouteMatch = Pick<PlannedRoute, "pathPrefix" | "methods">;

/**
 * Paths the apps count although no client sent them through the ingress: Prometheus scrapes and health probes. Left in,
 * they would land on the default route and make its latency the latency of `/metrics`.
 */
const PROBE_PATHS = [APP_METRICS_PATH, APP_HEALTH_PATH];

function methodsOverlap(a: RouteMatch, b: RouteMatch): boolean {
  return !a.methods || !b.methods || a.methods.some((method) => b.methods!.includes(method));
}

/** Some request path can start with both prefixes exactly when one of them starts with the other. */
function pathsOverlap(a: RouteMatch, b: RouteMatch): boolean {
  return a.pathPrefix.startsWith(b.pathPrefix) || b.pathPrefix.startsWith(a.pathPrefix);
}

/** Whether `earlier` takes every method `route` matches, so that excluding its paths needs no method condition. */
function coversMethods(earlier: RouteMatch, route: RouteMatch): boolean {
  return (
    !earlier.methods ||
    (route.methods !== undefined && route.methods.every((method) => earlier.methods!.includes(method)))
  );
}

function routeMatchers(route: RouteMatch): LabelMatcher[] {
  return [
    { label: "route", op: "=~", value: prefixRegex(route.pathPrefix) },
    ...(route.methods ? [{ label: "method", op: "=~" as const, value: oneOfRegex(route.methods) }] : []),
  ];
}

/**
 * The per-second rate, over `window`, of an app metric's series that belong to `routes[index]`, served by `backend`.
 *
 * The apps label requests with their URL template (`/api/users/{user_id}`) and method, not with a route id. A series is
 * attributed to a route the way the ingress attributes requests, applied to the template: the first route, in plan
 * order, whose path prefix the template starts with and whose methods include the method. Earlier routes are excluded
 * with a negative path matcher when they take every method of this route, and otherwise with `unless` on
 * (template, method), which expresses "this path prefix AND one of these methods" — a condition over two labels that no
 * single selector can negate. The result is exact for prefixes that end on a template's literal part; a prefix that cuts
 * into a path parameter (`/api/users/1` against `/api/users/{user_id}`) cannot be matched on templates, so those
 * requests are attributed to the next route whose prefix the template does start with. Templates the apps label
 * `unmatched` (no route in the app) do not start with "/" and belong to no route.
 */
export function appRouteRate(
  metric: string,
  routes: readonly RouteMatch[],
  index: number,
  backend: BackendName,
  window: string,
): string {
  const route = routes[index];
  const overlapping = routes
    .slice(0, index)
    .filter((earlier) => methodsOverlap(earlier, route) && pathsOverlap(earlier, route));
  const excludedByPath = overlapping.filter((earlier) => coversMethods(earlier, route));
  const excludedByPathAndMethod = overlapping.filter((earlier) => !coversMethods(earlier, route));
  const probes = PROBE_PATHS.filter((path) => path.startsWith(route.pathPrefix));
  const matchers: LabelMatcher[] = [
    { label: "backend", op: "=", value: backend },
    ...routeMatchers(route),
    ...excludedByPath.map((earlier): LabelMatcher => ({
      label: "route",
      op: "!~",
      value: prefixRegex(earlier.pathPrefix),
    })),
    ...(probes.length > 0 ? [{ label: "route", op: "!~" as const, value: oneOfRegex(probes) }] : []),
  ];
  // present_over_time, not an instant selector: a series that left within the window (a replica restarted) must
  // still be excluded for as long as the rate on the left still counts it.
  return [
    `rate(${selector(metric, matchers)}[${window}])`,
    ...excludedByPathAndMethod.map(
      (earlier) =>
        `unless on (route, method) present_over_time(${selector(metric, routeMatchers(earlier))}[${window}])`,
    ),
  ].join(" ");
}
