import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERT_RULES_FILE, renderAlertRules } from "../../infra/monitoring/alertRules";
import { renderAlertmanagerConfig } from "../../infra/monitoring/alertmanagerConfig";
import { buildMigrationDashboard, dashboardExpressions } from "../../infra/monitoring/grafanaDashboard";
import { LATENCY_BUCKETS_SECONDS } from "../../infra/monitoring/latencyBuckets";
import { RECORDING_RULES_FILE, renderRecordingRules } from "../../infra/monitoring/recordingRules";
import { monitoringScrapeTargets } from "../../infra/monitoring/scrapeTargets";
import { WEIGHT_RULES_FILE, renderWeightRules } from "../../infra/monitoring/weightRules";
import { renderPrometheusConfig } from "../../infra/render/prometheusConfig";
import { routeBackendService } from "../../infra/render/traefik/dynamicConfig";
import { backendServers } from "../../components/docker/addressing";
import { buildRoutingPlan, type BackendName } from "../../infra/routing/plan";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "../support/configs";
import { dockerRouteFigures } from "../support/dockerRouteFigures";

// The real Prometheus tools, from Debian's prometheus and prometheus-alertmanager packages (scripts/test.sh installs
// them when they are missing).
const PROMTOOL = "/usr/bin/promtool";
const AMTOOL = "/usr/bin/amtool";
const missing = [PROMTOOL, AMTOOL].filter((path) => !existsSync(path));

/** Where the route figures come from: each ingress flavour's own series, or the apps' (behind a cluster's Gateway). */
const FLAVOURS = ["traefik", "nginx", "apps"] as const;
type Flavour = (typeof FLAVOURS)[number];

// The dev stage: api-users-get-head (GET, HEAD) at 10%, api-orders-post-put-patch-delete at 0%, default at 10%;
// minRequests 100 over a 5m window, errorRatioMargin 0.01, latencyP99Multiple 1.5.
const config = devPlatformConfig();
const plan = buildRoutingPlan(snapshotOf(config), config, backendServers(config));
const USERS = "api-users-get-head";
const ORDERS_WRITES = "api-orders-post-put-patch-delete";

const figuresOf = (flavour: Flavour) =>
  flavour === "apps" ? { kind: "apps" as const, routes: plan.routes } : dockerRouteFigures(flavour);

/**
 * A request of each route as the apps label it: a route template within the route's prefix and a method of its own.
 * The default route's is a POST on the users' prefix, which the users' route (GET, HEAD) leaves to it.
 */
const APP_REQUESTS: Record<string, { route: string; method: string }> = {
  [USERS]: { route: "/api/users/{user_id}", method: "GET" },
  [ORDERS_WRITES]: { route: "/api/orders", method: "POST" },
  default: { route: "/api/users", method: "POST" },
};

/** Steady traffic of one route on one backend, from t=0 on: requests and 5xx per minute, and how long each takes. */
interface Traffic {
  readonly route: string;
  readonly backend: BackendName;
  readonly perMinute: number;
  readonly errorsPerMinute?: number;
  readonly latencySeconds?: number;
  /** Requests per minute of these that failed here and were sent to the other backend (failover). */
  readonly failoversPerMinute?: number;
}

interface InputSeries {
  readonly series: string;
  readonly values: string;
}

const MINUTES = 15;
const EVAL_TIME = "10m";
const counter = (perMinute: number) => `0+${perMinute}x${MINUTES}`;
const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(",")}}`;

/** Cumulative histogram buckets of `perMinute` requests per minute that each take `latency` seconds. */
function histogram(metric: string, base: Record<string, string>, perMinute: number, latency: number): InputSeries[] {
  return [...LATENCY_BUCKETS_SECONDS.map(String), "+Inf"].map((le) => ({
    series: `${metric}${labels({ ...base, le })}`,
    values: counter(le === "+Inf" || Number(le) >= latency ? perMinute : 0),
  }));
}

/** The series each ingress flavour would expose for this traffic. */
function inputSeries(flavour: Flavour, traffic: readonly Traffic[]): InputSeries[] {
  return traffic.flatMap(
    ({ route, backend, perMinute, errorsPerMinute = 0, latencySeconds = 0.03, failoversPerMinute = 0 }) => {
      const ok = perMinute - errorsPerMinute;
      if (flavour === "apps") {
        const request = { backend, ...APP_REQUESTS[route] };
        return [
          { series: `app_http_requests_total${labels({ ...request, status: "200" })}`, values: counter(ok) },
          ...(errorsPerMinute > 0
            ? [
                {
                  series: `app_http_requests_total${labels({ ...request, status: "500" })}`,
                  values: counter(errorsPerMinute),
                },
              ]
            : []),
          ...histogram("app_http_request_duration_seconds_bucket", request, perMinute, latencySeconds),
        ];
      }
      if (flavour === "traefik") {
        const service = { service: `${routeBackendService(route, backend)}@file`, method: "GET", protocol: "http" };
        // The route's router counts each request once; a failed-over one made two attempts in the services.
        const router = { router: `route-${route}@file`, service: service.service, method: "GET", protocol: "http" };
        return [
          {
            series: `traefik_router_requests_total${labels({ ...router, code: "200" })}`,
            values: counter(perMinute - failoversPerMinute),
          },
          { series: `traefik_service_requests_total${labels({ ...service, code: "200" })}`, values: counter(ok) },
          ...(errorsPerMinute > 0
            ? [
                {
                  series: `traefik_service_requests_total${labels({ ...service, code: "500" })}`,
                  values: counter(errorsPerMinute),
                },
              ]
            : []),
          ...histogram(
            "traefik_service_request_duration_seconds_bucket",
            { ...service, code: "200" },
            perMinute,
            latencySeconds,
          ),
        ];
      }
      const other = backend === "fastapi" ? "flask" : "fastapi";
      return [
        { series: `migration_ingress_requests_total${labels({ route, backend, code: "200" })}`, values: counter(ok) },
        ...(failoversPerMinute > 0
          ? [
              {
                series: `migration_ingress_failovers_total${labels({ route, from: backend, to: other })}`,
                values: counter(failoversPerMinute),
              },
            ]
          : []),
        ...(errorsPerMinute > 0
          ? [
              {
                series: `migration_ingress_requests_total${labels({ route, backend, code: "500" })}`,
                values: counter(errorsPerMinute),
              },
            ]
          : []),
        ...histogram(
          "migration_ingress_request_duration_seconds_bucket",
          { route, backend },
          perMinute,
          latencySeconds,
        ),
      ];
    },
  );
}

interface ExpectedAlert {
  readonly exp_labels: Record<string, string>;
  readonly exp_annotations: Record<string, string>;
}

const ALERT_NAMES = [
  "MigrationFastapiErrorRatioAboveFlask",
  "MigrationFastapiLatencyP99AboveFlask",
  "MigrationBackendWithoutTraffic",
  "MigrationFailover",
];

let workDir: string;

function run(tool: string, args: string[], cwd = workDir): { ok: boolean; output: string } {
  const result = spawnSync(tool, args, { cwd, encoding: "utf8" });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** Runs `promtool test rules` on one generated test file; the output says what differed when it fails. */
function promtoolTest(flavour: Flavour, name: string, test: Record<string, unknown>): { ok: boolean; output: string } {
  const file = join(workDir, flavour, `${name}.test.yml`);
  writeFileSync(
    file,
    dump({
      rule_files: [RECORDING_RULES_FILE, WEIGHT_RULES_FILE, ALERT_RULES_FILE],
      evaluation_interval: "1m",
      tests: [{ interval: "1m", ...test }],
    }),
  );
  return run(PROMTOOL, ["test", "rules", file], join(workDir, flavour));
}

/** Feeds `traffic` and expects exactly `firing` among the migration alerts at EVAL_TIME (the others stay silent). */
function expectAlerts(
  flavour: Flavour,
  name: string,
  traffic: readonly Traffic[],
  firing: Partial<Record<string, ExpectedAlert[]>>,
  extraSeries: readonly InputSeries[] = [],
) {
  const result = promtoolTest(flavour, name, {
    input_series: [...inputSeries(flavour, traffic), ...extraSeries],
    alert_rule_test: ALERT_NAMES.map((alertname) => ({
      eval_time: EVAL_TIME,
      alertname,
      exp_alerts: firing[alertname] ?? [],
    })),
  });
  expect(result.ok, result.output).toBe(true);
}

beforeAll(() => {
  expect(missing, "install prometheus and prometheus-alertmanager (scripts/test.sh does)").toEqual([]);
  workDir = mkdtempSync(join(tmpdir(), "promtool-"));
  for (const flavour of FLAVOURS) {
    mkdirSync(join(workDir, flavour));
    writeFileSync(
      join(workDir, flavour, RECORDING_RULES_FILE),
      renderRecordingRules(figuresOf(flavour), plan.routes, config.gates.window),
    );
    writeFileSync(join(workDir, flavour, WEIGHT_RULES_FILE), renderWeightRules(plan.routes));
    writeFileSync(join(workDir, flavour, ALERT_RULES_FILE), renderAlertRules(config.gates));
  }
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe.each(FLAVOURS)("the generated Prometheus files (%s), checked by promtool", (flavour) => {
  it("are valid rule files", () => {
    for (const file of [RECORDING_RULES_FILE, WEIGHT_RULES_FILE, ALERT_RULES_FILE]) {
      const result = run(PROMTOOL, ["check", "rules", join(workDir, flavour, file)]);
      expect(result.ok, result.output).toBe(true);
    }
  });

  it("make a valid prometheus.yml with the rule files, the Alertmanager and every scrape target", () => {
    const prometheusYml = join(workDir, flavour, "prometheus.yml");
    const targets = monitoringScrapeTargets({
      ingress: { host: "ingress", metricsPort: 9100, metricsPath: "/metrics" },
      servers: backendServers(config),
      discovery: { kind: "listed" },
      postgresExporter: "postgres-exporter:9187",
    });
    writeFileSync(
      prometheusYml,
      renderPrometheusConfig(targets, {
        ruleFiles: [join(workDir, flavour, "*.rules.yml")],
        alertmanagers: ["alertmanager:9093"],
      }),
    );
    const result = run(PROMTOOL, ["check", "config", prometheusYml]);
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain("SUCCESS: 3 rule files found");
  });

  it("record rate, count, error ratio, latency, share and the FastAPI-minus-Flask comparisons per route and backend", () => {
    const traffic: Traffic[] = [
      { route: USERS, backend: "fastapi", perMinute: 20, errorsPerMinute: 2, latencySeconds: 0.2 },
      { route: USERS, backend: "flask", perMinute: 180, latencySeconds: 0.03 },
    ];
    const sample = (value: number, labelSet: Record<string, string> = { route: USERS }) => ({
      labels: labels(labelSet),
      value,
    });
    const series = (name: string, value: number, backend: BackendName) => ({
      expr: `${name}{route="${USERS}", backend="${backend}"}`,
      eval_time: EVAL_TIME,
      exp_samples: [sample(value, { __name__: name, route: USERS, backend })],
    });
    const result = promtoolTest(flavour, "figures", {
      input_series: inputSeries(flavour, traffic),
      promql_expr_test: [
        series("migration:route_backend:requests_in_window", 100, "fastapi"),
        series("migration:route_backend:request_rate", 3, "flask"),
        series("migration:route_backend:error_ratio", 0.1, "fastapi"),
        // Flask has no 5xx series at all: that is 0 errors, not an unknown ratio.
        series("migration:route_backend:error_ratio", 0, "flask"),
        series("migration:route_backend:observed_share", 0.1, "fastapi"),
        series("migration:route_backend:observed_share", 0.9, "flask"),
        // All requests in one bucket, (0.15, 0.2] for FastAPI and (0.02, 0.03] for Flask: quantiles interpolate within it.
        series("migration:route_backend:latency_p50_seconds", 0.175, "fastapi"),
        {
          // In microseconds: 0.0299 s is no exact binary fraction, an integer is.
          expr: `round(1e6 * migration:route_backend:latency_p99_seconds{route="${USERS}", backend="flask"})`,
          eval_time: EVAL_TIME,
          exp_samples: [sample(29_900, { route: USERS, backend: "flask" })],
        },
        {
          expr: "migration:route:error_ratio_delta",
          eval_time: EVAL_TIME,
          exp_samples: [sample(0.1, { __name__: "migration:route:error_ratio_delta", route: USERS })],
        },
        { expr: "round(migration:route:latency_p99_ratio, 0.001)", eval_time: EVAL_TIME, exp_samples: [sample(6.672)] },
        // Nothing was ever served on the default route: no figures at all rather than zeros.
        { expr: 'migration:route_backend:error_ratio{route="default"}', eval_time: EVAL_TIME, exp_samples: [] },
        {
          expr: 'migration:route:configured_weight{route="default"}',
          eval_time: EVAL_TIME,
          exp_samples: [sample(10, { __name__: "migration:route:configured_weight", route: "default" })],
        },
      ],
    });
    expect(result.ok, result.output).toBe(true);
  });

  it("leave the error ratio undefined (NaN) over a window without requests, never 0", () => {
    const ratio = `migration:route_backend:error_ratio{route="${USERS}", backend="fastapi"}`;
    const result = promtoolTest(flavour, "idle", {
      // The series exist (the backend served requests once) but do not move within the window.
      input_series: inputSeries(flavour, [{ route: USERS, backend: "fastapi", perMinute: 0 }]),
      // NaN is the only value that differs from itself; promtool cannot compare NaN samples directly.
      promql_expr_test: [
        {
          expr: `${ratio} != bool ${ratio}`,
          eval_time: EVAL_TIME,
          exp_samples: [{ labels: labels({ route: USERS, backend: "fastapi" }), value: 1 }],
        },
      ],
    });
    expect(result.ok, result.output).toBe(true);
  });

  it("fire when FastAPI's 5xx ratio exceeds Flask's by more than the margin", () => {
    expectAlerts(
      flavour,
      "errors-worse",
      [
        { route: USERS, backend: "fastapi", perMinute: 200, errorsPerMinute: 10 },
        { route: USERS, backend: "flask", perMinute: 200, errorsPerMinute: 2 },
      ],
      {
        MigrationFastapiErrorRatioAboveFlask: [
          {
            exp_labels: { route: USERS, severity: "critical" },
            exp_annotations: {
              summary: `FastAPI's 5xx ratio on route ${USERS} is 4% above Flask's over the last 5m (allowed: 1%)`,
            },
          },
        ],
      },
    );
  });

  it("stay silent while FastAPI's 5xx ratio is within the margin of Flask's", () => {
    expectAlerts(
      flavour,
      "errors-within-margin",
      [
        { route: USERS, backend: "fastapi", perMinute: 200, errorsPerMinute: 3 },
        { route: USERS, backend: "flask", perMinute: 200, errorsPerMinute: 2 },
      ],
      {},
    );
  });

  it("stay silent, whatever the figures, while a backend has served fewer than minRequests in the window", () => {
    expectAlerts(
      flavour,
      "too-few-requests",
      [
        { route: USERS, backend: "fastapi", perMinute: 10, errorsPerMinute: 5, latencySeconds: 5 },
        { route: USERS, backend: "flask", perMinute: 300 },
      ],
      {},
    );
  });

  it("fire when FastAPI's p99 exceeds latencyP99Multiple times Flask's", () => {
    expectAlerts(
      flavour,
      "latency-worse",
      [
        { route: USERS, backend: "fastapi", perMinute: 200, latencySeconds: 0.2 },
        { route: USERS, backend: "flask", perMinute: 200, latencySeconds: 0.03 },
      ],
      {
        MigrationFastapiLatencyP99AboveFlask: [
          {
            exp_labels: { route: USERS, severity: "warning" },
            exp_annotations: {
              summary: `FastAPI's p99 latency on route ${USERS} is 6.672 times Flask's over the last 5m (allowed: 1.5)`,
            },
          },
        ],
      },
    );
  });

  it("fire when a backend with a configured share gets no traffic although the route has enough, and not for a 0% backend", () => {
    expectAlerts(
      flavour,
      "starved",
      [
        // default at 10%: 1,500 requests in the window should have brought FastAPI about 150.
        { route: "default", backend: "flask", perMinute: 300 },
        // api-users at 10%: Flask's 90% of 500 requests is missing.
        { route: USERS, backend: "fastapi", perMinute: 100 },
        // orders writes at 0%: FastAPI is not supposed to get any.
        { route: ORDERS_WRITES, backend: "flask", perMinute: 300 },
      ],
      {
        MigrationBackendWithoutTraffic: [
          {
            exp_labels: { route: "default", backend: "fastapi", severity: "critical" },
            exp_annotations: {
              summary:
                "FastAPI served no request of route default in the last 5m, although its configured weight should have sent it about 150",
            },
          },
          {
            exp_labels: { route: USERS, backend: "flask", severity: "critical" },
            exp_annotations: {
              summary: `Flask served no request of route ${USERS} in the last 5m, although its configured weight should have sent it about 450`,
            },
          },
        ],
      },
    );
  });

  it("stay silent about a starved backend while the route's traffic is too small to tell", () => {
    // 10% of 500 requests would be 50 for FastAPI, fewer than minRequests.
    expectAlerts(flavour, "quiet-route", [{ route: "default", backend: "flask", perMinute: 100 }], {});
  });
});

// Behind a Gateway there is no failover (validation refuses it): the apps' own figures record none (below).
describe.each(["traefik", "nginx"] as const)("the failover alert (%s), checked by promtool", (flavour) => {
  it("fire when requests fail over, naming the route and the rate", () => {
    expectAlerts(
      flavour,
      "failover",
      [
        { route: USERS, backend: "fastapi", perMinute: 300 },
        // Flask's 30 failed attempts a minute, each sent again to FastAPI (and counted there among its 300).
        { route: USERS, backend: "flask", perMinute: 300, errorsPerMinute: 30, failoversPerMinute: 30 },
      ],
      {
        MigrationFailover: [
          {
            exp_labels: { route: USERS, severity: "warning" },
            exp_annotations: {
              summary: `Requests on route ${USERS} failed on one backend and were sent to the other, 0.50 per second over the last 5m: a backend is failing (its figures count each failed attempt)`,
            },
          },
        ],
      },
    );
  });

  it("fire for a burst of failovers on a series that appears with it, and stays constant after", () => {
    // Three GETs failed on Flask at 7m and were retried: series that did not exist before, counted once.
    const burst =
      flavour === "traefik"
        ? `traefik_service_requests_total${labels({ service: `${routeBackendService(USERS, "flask")}@file`, method: "GET", protocol: "http", code: "502" })}`
        : `migration_ingress_failovers_total${labels({ route: USERS, from: "flask", to: "fastapi" })}`;
    expectAlerts(
      flavour,
      "failover-burst",
      [
        { route: USERS, backend: "fastapi", perMinute: 300 },
        { route: USERS, backend: "flask", perMinute: 300 },
      ],
      {
        MigrationFailover: [
          {
            exp_labels: { route: USERS, severity: "warning" },
            exp_annotations: {
              summary: `Requests on route ${USERS} failed on one backend and were sent to the other, 0.01 per second over the last 5m: a backend is failing (its figures count each failed attempt)`,
            },
          },
        ],
      },
      [{ series: burst, values: "_x7 3x8" }],
    );
  });
});

describe("the route figures from the apps' own series (behind a cluster's Gateway), checked by promtool", () => {
  const requests = (backend: BackendName, route: string, method: string, perMinute: number, status = "200") => ({
    series: `app_http_requests_total${labels({ backend, method, route, status })}`,
    values: counter(perMinute),
  });
  const inWindow = (route: string, backend: BackendName, value: number) => ({
    expr: `migration:route_backend:requests_in_window{route="${route}", backend="${backend}"}`,
    eval_time: EVAL_TIME,
    exp_samples: [
      { labels: labels({ __name__: "migration:route_backend:requests_in_window", route, backend }), value },
    ],
  });

  it("give each request to the first route that matches it by prefix segment and method, and none to the probes", () => {
    const result = promtoolTest("apps", "app-routes", {
      input_series: [
        // The users' route: GET and HEAD under /api/users, by whole segments.
        requests("fastapi", "/api/users", "GET", 10),
        requests("fastapi", "/api/users/{user_id}", "HEAD", 4),
        // The default route: what no route takes (a POST on the users' prefix, an unknown path), and no probe.
        requests("fastapi", "/api/users", "POST", 6),
        requests("fastapi", "unmatched", "GET", 2),
        requests("fastapi", "/healthz", "GET", 60),
        requests("fastapi", "/healthz/database", "GET", 60),
        requests("fastapi", "/metrics", "GET", 4),
        // The orders' writes, on Flask.
        requests("flask", "/api/orders/{order_id}", "PATCH", 8),
        requests("flask", "/api/orders", "GET", 3),
      ],
      promql_expr_test: [
        inWindow(USERS, "fastapi", 70),
        inWindow("default", "fastapi", 40),
        inWindow(ORDERS_WRITES, "flask", 40),
        inWindow("default", "flask", 15),
        {
          expr: `migration:route:failover_rate{route="${USERS}"}`,
          eval_time: EVAL_TIME,
          exp_samples: [{ labels: labels({ __name__: "migration:route:failover_rate", route: USERS }), value: 0 }],
        },
      ],
    });
    expect(result.ok, result.output).toBe(true);
  });
});

describe("the dashboard's queries", () => {
  it("all parse as PromQL (promtool check rules on them as recording rules)", () => {
    const expressions = dashboardExpressions(buildMigrationDashboard(plan.routes.map((route) => route.id)));
    expect(expressions.length).toBeGreaterThan(0);
    const file = join(workDir, "dashboard.rules.yml");
    writeFileSync(
      file,
      dump({
        groups: [
          {
            name: "dashboard",
            rules: expressions.map((expr, index) => ({ record: `dashboard:query_${index}`, expr })),
          },
        ],
      }),
    );
    const result = run(PROMTOOL, ["check", "rules", file]);
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain(`SUCCESS: ${expressions.length} rules found`);
  });
});

describe("alertmanager.yml, checked by amtool", () => {
  it.each([
    ["without a receiver", undefined],
    ["with a webhook", { webhookUrl: "https://hooks.example.com/alerts" }],
  ])("is valid %s", (_, receiver) => {
    const file = join(workDir, `alertmanager-${receiver ? "webhook" : "null"}.yml`);
    writeFileSync(file, renderAlertmanagerConfig(receiver));
    const result = run(AMTOOL, ["check-config", file]);
    expect(result.ok, result.output).toBe(true);
  });
});
