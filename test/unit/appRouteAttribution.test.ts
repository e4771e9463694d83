import { describe, expect, it } from "vitest";
import { appRouteRate, type RouteMatch } from "../../infra/monitoring/appRouteAttribution";

const METRIC = "app_http_request_duration_seconds_bucket";
const rate = (routes: RouteMatch[], index: number) => appRouteRate(METRIC, routes, index, "fastapi", "5m");

// What these selectors select is proven against the real promtool in test/integration/promtool.test.ts; these cases
// pin down which form each overlap takes.
describe("attributing the apps' URL templates to routes", () => {
  it("selects a route by path prefix and methods, and the backend by the apps' own label", () => {
    expect(rate([{ pathPrefix: "/api/users", methods: ["GET", "HEAD"] }], 0)).toBe(
      'rate(app_http_request_duration_seconds_bucket{backend="fastapi", route=~"/api/users.*", method=~"GET|HEAD"}[5m])',
    );
  });

  it("escapes regex characters of a path prefix", () => {
    expect(rate([{ pathPrefix: "/v1.2/items" }], 0)).toBe(
      'rate(app_http_request_duration_seconds_bucket{backend="fastapi", route=~"/v1\\\\.2/items.*"}[5m])',
    );
  });

  it("leaves out earlier routes that take every method of this one with a negative path matcher", () => {
    const routes: RouteMatch[] = [{ pathPrefix: "/api/users/admin" }, { pathPrefix: "/api/users", methods: ["GET"] }];
    expect(rate(routes, 1)).toBe(
      'rate(app_http_request_duration_seconds_bucket{backend="fastapi", route=~"/api/users.*", method=~"GET", route!~"/api/users/admin.*"}[5m])',
    );
  });

  it("leaves out earlier routes that take only some methods with `unless` on template and method", () => {
    const routes: RouteMatch[] = [{ pathPrefix: "/api", methods: ["GET"] }, { pathPrefix: "/api/users" }];
    expect(rate(routes, 1)).toBe(
      'rate(app_http_request_duration_seconds_bucket{backend="fastapi", route=~"/api/users.*"}[5m]) unless on (route, method) present_over_time(app_http_request_duration_seconds_bucket{route=~"/api.*", method=~"GET"}[5m])',
    );
  });

  it("ignores earlier routes that cannot match the same requests", () => {
    const routes: RouteMatch[] = [
      { pathPrefix: "/api/orders" },
      { pathPrefix: "/api/users", methods: ["POST"] },
      { pathPrefix: "/api/users", methods: ["GET"] },
    ];
    expect(rate(routes, 2)).toBe(
      'rate(app_http_request_duration_seconds_bucket{backend="fastapi", route=~"/api/users.*", method=~"GET"}[5m])',
    );
  });

  it("keeps scrapes and health probes out of the routes whose prefix would take them", () => {
    expect(rate([{ pathPrefix: "/" }], 0)).toBe(
      'rate(app_http_request_duration_seconds_bucket{backend="fastapi", route=~"/.*", route!~"/metrics|/healthz"}[5m])',
    );
  });
});
