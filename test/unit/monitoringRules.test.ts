import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { renderAlertRules } from "../../infra/monitoring/alertRules";
import { LATENCY_BUCKETS_SECONDS } from "../../infra/monitoring/latencyBuckets";
import { renderRecordingRules } from "../../infra/monitoring/recordingRules";
import { SERIES } from "../../infra/monitoring/seriesNames";
import { renderWeightRules } from "../../infra/monitoring/weightRules";
import { renderTraefikRouting } from "../../infra/render/traefik/dynamicConfig";
import { kubernetesCrdMetricNames } from "../../infra/render/traefik/kubernetesRouting";
import { backendServers } from "../../components/docker/addressing";
import { backendServices } from "../../components/kubernetes/targetSettings";
import { buildRoutingPlan } from "../../infra/routing/plan";
import type { WeightedRoute } from "../../infra/routing/route";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "../support/configs";
import { REPO_ROOT } from "../support/stackConfig";
import { dockerRouteFigures } from "../support/dockerRouteFigures";

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: Array<{ name: string; rules: Rule[] }>;
}

const ROUTE_IDS = ["api-users-get-head", "api-orders-post-put-patch-delete", "default"];

function planOf(overrides: { routes?: WeightedRoute[]; defaultWeight?: number } = {}) {
  const config = devPlatformConfig(overrides);
  return { config, plan: buildRoutingPlan(snapshotOf(config), config, backendServers(config)) };
}

const parse = (text: string) => load(text) as RuleFile;
const rulesOf = (text: string) => parse(text).groups.flatMap((group) => group.rules);

function recordingRules(ingress: "traefik" | "nginx", window = "5m") {
  const { plan } = planOf();
  return rulesOf(renderRecordingRules(dockerRouteFigures(ingress), plan.routes, window));
}

/** The one rule recording `series` for a route and backend. */
function ruleFor(rules: Rule[], series: string, route: string, backend: string): Rule {
  const matching = rules.filter(
    (rule) => rule.record === series && rule.labels?.route === route && rule.labels?.backend === backend,
  );
  expect(matching, `${series} ${route} ${backend}`).toHaveLength(1);
  return matching[0];
}

describe("recording rules", () => {
  const perRouteBackend = [
    SERIES.requestsInWindow,
    SERIES.requestRate,
    SERIES.errorRatio,
    SERIES.latencyP50,
    SERIES.latencyP95,
    SERIES.latencyP99,
  ];

  it.each(["traefik", "nginx"] as const)(
    "(%s) record every figure once per route of the plan and per backend, labelled route and backend",
    (ingress) => {
      const rules = recordingRules(ingress);
      const labelled = rules.filter((rule) => rule.labels && rule.record !== SERIES.failoverRate);
      expect(labelled).toHaveLength(perRouteBackend.length * ROUTE_IDS.length * 2);
      for (const series of perRouteBackend)
        for (const route of ROUTE_IDS)
          for (const backend of ["fastapi", "flask"]) ruleFor(rules, series, route, backend);
      for (const rule of labelled) expect(Object.keys(rule.labels!).sort()).toEqual(["backend", "route"]);
    },
  );

  it.each(["traefik", "nginx"] as const)("(%s) record each route's failover rate, labelled route", (ingress) => {
    const failovers = recordingRules(ingress).filter((rule) => rule.record === SERIES.failoverRate);
    expect(failovers.map((rule) => rule.labels)).toEqual(ROUTE_IDS.map((route) => ({ route })));
  });

  it("count Traefik's failovers as what its fallback services served plus the attempts beyond its routers' requests", () => {
    const users = recordingRules("traefik").find(
      (rule) => rule.record === SERIES.failoverRate && rule.labels?.route === "api-users-get-head",
    );
    const fallbacks =
      "route-api-users-get-head-fallback-for-fastapi@file|route-api-users-get-head-fallback-for-flask@file";
    const growth = (selected: string) => `clamp_min(sum(${selected}) - (sum(${selected} offset 5m) or vector(0)), 0)`;
    expect(users?.expr).toBe(
      `((${growth(`traefik_service_requests_total{service=~"${fallbacks}"}`)} or vector(0)) + clamp_min(${growth(
        `traefik_service_requests_total{service=~"route-api-users-get-head-via-fastapi@file|route-api-users-get-head-via-flask@file|${fallbacks}"}`,
      )} - ${growth('traefik_router_requests_total{router=~"(route-api-users-get-head|route-api-users-get-head-retried)@file"}')}, 0)) / 300`,
    );
  });

  it("count Traefik's failovers on Kubernetes as the attempts beyond the routers' requests, with no fallback service", () => {
    const [users] = rulesOf(
      renderRecordingRules(
        { kind: "traefik", names: kubernetesCrdMetricNames("migration-dev", backendServices(devPlatformConfig())) },
        planOf().plan.routes,
        "5m",
      ),
    ).filter((rule) => rule.record === SERIES.failoverRate && rule.labels?.route === "api-users-get-head");
    const growth = (selected: string) => `clamp_min(sum(${selected}) - (sum(${selected} offset 5m) or vector(0)), 0)`;
    expect(users?.expr).toBe(
      `clamp_min(${growth(
        'traefik_service_requests_total{service=~"migration-dev-route-api-users-get-head-via-fastapi-8000@kubernetescrd|migration-dev-route-api-users-get-head-via-flask-5000@kubernetescrd"}',
      )} - ${growth('traefik_router_requests_total{router=~"migration-dev-route-api-users-get-head-[0-9a-f]{20}@kubernetescrd"}')}, 0) / 300`,
    );
  });

  it("read a route's figures on Kubernetes from its own Service per backend, as the CRD provider names it", () => {
    const rules = rulesOf(
      renderRecordingRules(
        { kind: "traefik", names: kubernetesCrdMetricNames("migration-dev", backendServices(devPlatformConfig())) },
        planOf().plan.routes,
        "5m",
      ),
    );
    const requests = rules.find(
      (rule) =>
        rule.record === SERIES.requestsInWindow && rule.labels?.route === "default" && rule.labels?.backend === "flask",
    );
    expect(requests?.expr).toBe(
      'sum(increase(traefik_service_requests_total{service="migration-dev-route-default-via-flask-5000@kubernetescrd"}[5m]))',
    );
  });

  it("count failovers by how much the counters grew, so that a burst on a series new with it counts in full", () => {
    const users = recordingRules("nginx").find(
      (rule) => rule.record === SERIES.failoverRate && rule.labels?.route === "api-users-get-head",
    );
    expect(users?.expr).toBe(
      '(clamp_min(sum(migration_ingress_failovers_total{route="api-users-get-head"}) - (sum(migration_ingress_failovers_total{route="api-users-get-head"} offset 5m) or vector(0)), 0) or 0 * clamp_min(sum(migration_ingress_requests_total{route="api-users-get-head"}) - (sum(migration_ingress_requests_total{route="api-users-get-head"} offset 5m) or vector(0)), 0)) / 300',
    );
  });

  it("compare the backends per route after the per-backend figures, in the same group, carrying the labels of their inputs", () => {
    const file = parse(renderRecordingRules(dockerRouteFigures("traefik"), planOf().plan.routes, "5m"));
    expect(file.groups).toHaveLength(1);
    const records = file.groups[0].rules.map((rule) => rule.record);
    expect(records.slice(-3)).toEqual([SERIES.observedShare, SERIES.errorRatioDelta, SERIES.latencyP99Ratio]);
    const comparisons = file.groups[0].rules.slice(-3);
    for (const rule of comparisons) expect(rule.labels).toBeUndefined();
    expect(comparisons.map((rule) => rule.expr)).toEqual([
      "migration:route_backend:requests_in_window / on (route) group_left sum by (route) (migration:route_backend:requests_in_window)",
      'migration:route_backend:error_ratio{backend="fastapi"} - on (route) migration:route_backend:error_ratio{backend="flask"}',
      'migration:route_backend:latency_p99_seconds{backend="fastapi"} / on (route) migration:route_backend:latency_p99_seconds{backend="flask"}',
    ]);
  });

  it("(traefik) read the per-service metrics of the route's own service and fallback service for each backend, as the Traefik routing names them", () => {
    const rules = recordingRules("traefik");
    expect(ruleFor(rules, SERIES.requestsInWindow, "default", "fastapi").expr).toBe(
      'sum(increase(traefik_service_requests_total{service=~"route-default-via-fastapi@file|route-default-fallback-for-fastapi@file"}[5m]))',
    );
    expect(ruleFor(rules, SERIES.requestRate, "default", "flask").expr).toBe(
      'sum(rate(traefik_service_requests_total{service=~"route-default-via-flask@file|route-default-fallback-for-flask@file"}[5m]))',
    );
    // Everything the fallback served for a backend counts as that backend's failure.
    expect(ruleFor(rules, SERIES.errorRatio, "default", "flask").expr).toBe(
      '(sum(increase(traefik_service_requests_total{service="route-default-via-flask@file", code=~"5.."}[5m]) or increase(traefik_service_requests_total{service="route-default-fallback-for-flask@file"}[5m])) or vector(0)) / sum(increase(traefik_service_requests_total{service=~"route-default-via-flask@file|route-default-fallback-for-flask@file"}[5m]))',
    );
    expect(ruleFor(rules, SERIES.latencyP95, "api-users-get-head", "flask").expr).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(traefik_service_request_duration_seconds_bucket{service="route-api-users-get-head-via-flask@file"}[5m])))',
    );
    // Every service a split route's rules read is one the Traefik routing defines.
    const { plan } = planOf();
    const services = Object.keys(
      (load(renderTraefikRouting(plan)) as { http: { services: Record<string, unknown> } }).http.services,
    );
    for (const backend of ["fastapi", "flask"]) {
      const read = /service=~"([^"]+)@file\|([^"]+)@file"/.exec(
        ruleFor(rules, SERIES.requestRate, "api-users-get-head", backend).expr,
      )!;
      expect(services).toEqual(expect.arrayContaining([read[1], read[2]]));
    }
  });

  it("(nginx) count requests and take latency from the Lua router's own counters and histogram", () => {
    const rules = recordingRules("nginx");
    expect(ruleFor(rules, SERIES.requestsInWindow, "api-users-get-head", "fastapi").expr).toBe(
      'sum(increase(migration_ingress_requests_total{route="api-users-get-head", backend="fastapi"}[5m]))',
    );
    expect(ruleFor(rules, SERIES.latencyP99, "api-users-get-head", "fastapi").expr).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(migration_ingress_request_duration_seconds_bucket{route="api-users-get-head", backend="fastapi"}[5m])))',
    );
  });

  it.each(["traefik", "nginx"] as const)(
    "(%s) count a route without 5xx series as 0 errors, but leave a route without requests without a ratio",
    (ingress) => {
      const expr = ruleFor(recordingRules(ingress), SERIES.errorRatio, "default", "fastapi").expr;
      const [numerator, denominator] = expr.split(" / ");
      expect(numerator).toMatch(/^\(sum\(increase\(.*code=~"5\.\."\}\[5m\]\).*\) or vector\(0\)\)$/);
      expect(denominator).not.toMatch(/vector|code/);
    },
  );

  it("compute over the gates window", () => {
    for (const rule of recordingRules("nginx", "2m").filter((rule) => rule.labels))
      expect(rule.expr).toMatch(/\[2m\]|offset 2m/);
  });

  it("do not change when only weights change, so a cutover step never rewrites them", () => {
    const routes = (weight: number): WeightedRoute[] => [
      { path: "/api/users", methods: ["GET"], weight },
      { path: "/api/orders", weight: 0 },
    ];
    for (const ingress of ["traefik", "nginx"] as const) {
      const before = renderRecordingRules(
        dockerRouteFigures(ingress),
        planOf({ routes: routes(10), defaultWeight: 10 }).plan.routes,
        "5m",
      );
      const after = renderRecordingRules(
        dockerRouteFigures(ingress),
        planOf({ routes: routes(50), defaultWeight: 100 }).plan.routes,
        "5m",
      );
      expect(after).toBe(before);
    }
  });
});

describe("weight rules", () => {
  it("record each route's configured FastAPI weight, labelled with its route only", () => {
    const file = parse(renderWeightRules(planOf().plan.routes));
    expect(file.groups.map((group) => group.name)).toEqual(["migration-configured-weights"]);
    expect(file.groups[0].rules).toEqual([
      { record: SERIES.configuredWeight, expr: "vector(10)", labels: { route: "api-users-get-head" } },
      { record: SERIES.configuredWeight, expr: "vector(0)", labels: { route: "api-orders-post-put-patch-delete" } },
      { record: SERIES.configuredWeight, expr: "vector(10)", labels: { route: "default" } },
    ]);
  });

  it("follow a weight change", () => {
    expect(renderWeightRules(planOf({ defaultWeight: 50 }).plan.routes)).not.toBe(
      renderWeightRules(planOf().plan.routes),
    );
  });
});

describe("alert rules", () => {
  const gates = { errorRatioMargin: 0.02, latencyP99Multiple: 2, minRequests: 250, window: "10m", bakeTime: "10m" };
  const alerts = rulesOf(renderAlertRules(gates));

  it("are the gates' alerts, each with a severity, a pending time and a summary naming the route", () => {
    expect(alerts.map((rule) => [rule.alert, rule.labels])).toEqual([
      ["MigrationFastapiErrorRatioAboveFlask", { severity: "critical" }],
      ["MigrationFastapiLatencyP99AboveFlask", { severity: "warning" }],
      ["MigrationBackendWithoutTraffic", { severity: "critical", backend: "fastapi" }],
      ["MigrationBackendWithoutTraffic", { severity: "critical", backend: "flask" }],
      ["MigrationFailover", { severity: "warning" }],
    ]);
    for (const rule of alerts) {
      expect(rule.for).toBe("1m");
      expect(rule.annotations?.summary).toContain("{{ $labels.route }}");
      expect(rule.annotations?.summary).toContain("the last 10m");
    }
    expect(alerts[0].annotations?.summary).toContain("(allowed: 2%)");
  });

  it("compare FastAPI with Flask by the gates' margin and multiple, only when both backends served minRequests", () => {
    expect(alerts[0].expr).toBe(
      [
        "(migration:route:error_ratio_delta > 0.02)",
        'and on (route) (migration:route_backend:requests_in_window{backend="fastapi"} >= 250)',
        'and on (route) (migration:route_backend:requests_in_window{backend="flask"} >= 250)',
      ].join("\n"),
    );
    expect(alerts[1].expr.split("\n")[0]).toBe("(migration:route:latency_p99_ratio > 2)");
    expect(alerts[1].expr.split("\n").slice(1)).toEqual(alerts[0].expr.split("\n").slice(1));
  });

  it("call a backend starved only when its configured share of the route's traffic should have brought it minRequests", () => {
    expect(alerts[2].expr).toBe(
      [
        "(sum by (route) (migration:route_backend:requests_in_window) * on (route) migration:route:configured_weight / 100 >= 250)",
        'unless on (route) (migration:route_backend:requests_in_window{backend="fastapi"} > 0)',
      ].join("\n"),
    );
    expect(alerts[3].expr.split("\n")[0]).toContain("(100 - migration:route:configured_weight)");
  });
});

describe("latency buckets", () => {
  it("are the apps' own, so that Traefik's and the apps' quantiles are alike", () => {
    for (const file of ["apps/fastapi/fastapi_app/observability.py", "apps/legacy-flask/legacy_app/metrics.py"]) {
      const tuple = /^LATENCY_BUCKETS = \(([^)]*)\)/m.exec(readFileSync(join(REPO_ROOT, file), "utf8"));
      expect(tuple, file).not.toBeNull();
      // A multi-line tuple ends with a comma, as Python formatters write it.
      const bounds = tuple![1]
        .split(",")
        .map((bound) => bound.trim())
        .filter((bound) => bound !== "");
      expect(bounds.map(Number), file).toEqual(LATENCY_BUCKETS_SECONDS);
    }
  });
});
