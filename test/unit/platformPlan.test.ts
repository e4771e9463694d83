import { describe, expect, it } from "vitest";
import type { PlatformPlan } from "../../infra/plan/platformPlan";
import { planPlatform, type TargetFacts } from "../../infra/plan/planPlatform";
import { devPlatformConfig } from "../support/configs";
import { FILE_PROVIDER_METRIC_NAMES } from "../../infra/render/traefik/dynamicConfig";

const SENTRY_DSN = "https://0123456789abcdef0123456789abcdef@o0.ingest.sentry.io/42";

/** Facts of no real target: names that no engine would invent, so that anything target-specific in the plan shows. */
const NEUTRAL_FACTS: TargetFacts = {
  servers: {
    fastapi: { servers: ["fastapi.example:8000"], healthPath: "/healthz" },
    flask: { servers: ["flask.example:5000"], healthPath: "/healthz" },
  },
  monitoring: {
    discovery: { kind: "listed" },
    figures: { from: "ingress", traefikNames: FILE_PROVIDER_METRIC_NAMES },
    weights: "ruleFile",
  },
};

const planAt = (defaultWeight: number) => planPlatform(devPlatformConfig({ defaultWeight }), NEUTRAL_FACTS);

/** The plan without what a weight step may change: the two hot files and the routing they are rendered from. */
function withoutHotParts(plan: PlatformPlan) {
  const { routing: _routing, ingress, monitoring, ...rest } = plan;
  return {
    ...rest,
    ingress: { ...ingress, routing: { ...ingress.routing, content: "(hot)" } },
    prometheus: { ...monitoring!.prometheus, weightRules: { ...monitoring!.prometheus.weightRules, content: "(hot)" } },
    companions: { ...monitoring, prometheus: undefined },
  };
}

function workloadNames(plan: PlatformPlan): string[] {
  const monitoring = plan.monitoring;
  return [
    plan.database.name,
    plan.schemaMigration.name,
    plan.fastapi.name,
    plan.ingress.name,
    ...(monitoring
      ? [
          monitoring.prometheus,
          monitoring.alertmanager,
          monitoring.postgresExporter,
          monitoring.grafana,
          monitoring.logs?.store,
        ]
          .filter((workload) => workload !== undefined)
          .map((workload) => workload.name)
      : []),
  ];
}

describe("the platform plan", () => {
  it("changes only its two hot files on a weight step: the ingress's routing and Prometheus's weight rules", () => {
    const [low, high] = [planAt(10), planAt(50)];
    expect(withoutHotParts(high)).toEqual(withoutHotParts(low));
    expect(high.ingress.routing.content).not.toBe(low.ingress.routing.content);
    expect(high.monitoring!.prometheus.weightRules!.content).not.toBe(low.monitoring!.prometheus.weightRules!.content);
  });

  it("routes by a map it is given instead of the config's weights, and plans everything else alike", () => {
    const config = devPlatformConfig({ defaultWeight: 10 });
    const rolledBack = { defaultWeight: 0, routes: config.routes.map((route) => ({ ...route, weight: 0 })) };
    const plan = planPlatform(config, NEUTRAL_FACTS, { map: rolledBack });
    expect(plan.routing.routes.map((route) => route.weight)).toEqual([0, 0, 0]);
    expect(plan.ingress.routing.content).toBe(
      planPlatform(devPlatformConfig({ defaultWeight: 0, routes: rolledBack.routes }), NEUTRAL_FACTS).ingress.routing
        .content,
    );
    expect(withoutHotParts(plan)).toEqual(withoutHotParts(planPlatform(config, NEUTRAL_FACTS)));
  });

  it("starts the schema migration after the database, FastAPI after the migration, the ingress after FastAPI", () => {
    const plan = planAt(10);
    expect(plan.schemaMigration.startsAfter).toEqual([plan.database.name]);
    expect(plan.fastapi.startsAfter).toEqual([plan.schemaMigration.name]);
    expect(plan.ingress.startsAfter).toEqual([plan.fastapi.name]);
  });

  it("orders every workload only after workloads it plans", () => {
    const config = devPlatformConfig();
    const plan = planPlatform(
      { ...config, monitoring: { ...config.monitoring, grafanaImage: "grafana/grafana-oss:11.6.0" } },
      NEUTRAL_FACTS,
    );
    const names = workloadNames(plan);
    const monitoring = plan.monitoring!;
    const orders = [
      plan.schemaMigration,
      plan.fastapi,
      plan.ingress,
      monitoring.prometheus,
      monitoring.alertmanager!,
      monitoring.postgresExporter!,
      monitoring.grafana!,
      monitoring.logs!,
    ].flatMap((workload) => workload.startsAfter);
    expect(orders.filter((name) => !names.includes(name))).toEqual([]);
    expect(monitoring.grafana!.startsAfter).toEqual(["prometheus", "victorialogs"]);
  });

  it("holds health checks as data, each with the HTTP endpoint a prober outside the container would use", () => {
    const plan = planAt(10);
    expect(plan.fastapi.health).toMatchObject({
      http: { port: 8000, path: "/healthz" },
      intervalSeconds: 5,
      retries: 3,
    });
    expect(plan.ingress.health).toMatchObject({ http: { port: 9100, path: "/ping" } });
    expect(plan.database.health!.command[0]).toBe("pg_isready");
  });

  it("holds no fact of a target it was not given: no engine DNS, no engine health-check syntax, no host names of its own for the apps", () => {
    const config = devPlatformConfig();
    const text = JSON.stringify([
      planPlatform(config, NEUTRAL_FACTS),
      planPlatform({ ...config, ingress: "nginx" }, NEUTRAL_FACTS),
    ]);
    expect(text).not.toContain("127.0.0.11");
    expect(text).not.toContain('"CMD"');
    expect(text).not.toMatch(/fastapi-\d:/);
  });

  it("names the database URLs the target fills in and marks every secret, so no password or key is in the plan", () => {
    const config = devPlatformConfig();
    const plan = planPlatform({ ...config, errorTracking: { sentryDsn: SENTRY_DSN } }, NEUTRAL_FACTS, {
      errorTracking: { sentryDsn: SENTRY_DSN, environment: "dev" },
    });
    expect(new Map(plan.fastapi.env).get("DATABASE_URL")).toEqual({ databaseUrl: "async" });
    expect(new Map(plan.fastapi.env).get("SENTRY_DSN")).toEqual({ value: SENTRY_DSN, secret: true });
    expect(new Map(plan.schemaMigration.env).get("DATABASE_URL")).toEqual({ databaseUrl: "async" });
    expect(plan.monitoring!.postgresExporter!.env).toEqual([
      ["DATA_SOURCE_NAME", { databaseUrl: "sync", suffix: "?sslmode=disable" }],
    ]);
    expect(plan.monitoring!.alertmanager!.files.every((file) => file.secret)).toBe(true);
  });
});
