import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { renderTraefikRouting } from "../../infra/render/traefik/dynamicConfig";
import { LATENCY_BUCKETS_SECONDS } from "../../infra/monitoring/latencyBuckets";
import { renderTraefikStaticConfig } from "../../infra/render/traefik/staticConfig";
import { renderTraefikIngress, renderTraefikKubernetesFiles } from "../../infra/render/traefik/traefikIngress";
import { backendServers } from "../../components/docker/addressing";
import { buildRoutingPlan } from "../../infra/routing/plan";
import type { WeightedRoute } from "../../infra/routing/route";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "../support/configs";

interface TraefikRouting {
  http: {
    routers: Record<
      string,
      { entryPoints: string[]; rule: string; priority: number; service: string; middlewares?: string[] }
    >;
    services: Record<string, any>;
    middlewares: Record<string, any>;
  };
}

function render(
  overrides: { routes?: WeightedRoute[]; defaultWeight?: number; sticky?: boolean; failover?: boolean } = {},
): TraefikRouting {
  const config = devPlatformConfig(overrides);
  return load(
    renderTraefikRouting(buildRoutingPlan(snapshotOf(config), config, backendServers(config))),
  ) as TraefikRouting;
}

/** Every service name a public router can end up at, following weighted services. */
function reachableServices(routing: TraefikRouting, routerName: string): string[] {
  const visit = (service: string): string[] => {
    const definition = routing.http.services[service];
    return definition.weighted
      ? [service, ...definition.weighted.services.flatMap((child: { name: string }) => visit(child.name))]
      : [service];
  };
  return visit(routing.http.routers[routerName].service);
}

describe("Traefik routing", () => {
  it("splits a route by weight through a weighted service over each backend's share", () => {
    const routing = render();
    expect(routing.http.routers["route-api-users-get-head-retried"]).toEqual({
      entryPoints: ["web"],
      rule: "PathPrefix(`/api/users`) && (Method(`GET`) || Method(`HEAD`))",
      priority: 31,
      middlewares: ["failover-retry"],
      service: "split-api-users-get-head",
    });
    expect(routing.http.services["split-api-users-get-head"].weighted.services).toEqual([
      { name: "failover-api-users-get-head-fastapi", weight: 10 },
      { name: "failover-api-users-get-head-flask", weight: 90 },
    ]);
    expect(
      render({ failover: false }).http.services["split-api-users-get-head"].weighted.services.map(
        (service: { name: string }) => service.name,
      ),
    ).toEqual(["route-api-users-get-head-via-fastapi", "route-api-users-get-head-via-flask"]);
  });

  it("sends everything else through the default route at the default weight, below every configured route", () => {
    const routing = render({ defaultWeight: 30, routes: [{ path: "/api/users", weight: 10 }] });
    expect(routing.http.routers["route-default"]).toMatchObject({
      rule: "PathPrefix(`/`)",
      priority: 10,
      service: "split-default",
    });
    expect(routing.http.routers["route-api-users"].priority).toBeGreaterThan(
      routing.http.routers["route-default"].priority,
    );
    expect(routing.http.services["split-default"].weighted.services).toEqual([
      { name: "failover-default-fastapi", weight: 30 },
      { name: "failover-default-flask", weight: 70 },
    ]);
  });

  it("gives earlier routes higher priority, so the first match wins as in the migration map", () => {
    const routing = render({
      routes: [
        { path: "/api", methods: ["GET"], weight: 10 },
        { path: "/api/users", weight: 50 },
      ],
    });
    expect(routing.http.routers["route-api-get-retried"].priority).toBeGreaterThan(
      routing.http.routers["route-api-users-retried"].priority,
    );
  });

  it("routes a 0% route to Flask only and a 100% route to FastAPI only, with failover off", () => {
    const routing = render({
      routes: [
        { path: "/api/orders", weight: 0 },
        { path: "/api/users", weight: 100 },
      ],
      failover: false,
    });
    expect(reachableServices(routing, "route-api-orders")).toEqual(["route-api-orders-via-flask"]);
    expect(reachableServices(routing, "route-api-users")).toEqual(["route-api-users-via-fastapi"]);
  });

  it("gives every route its own service per backend it uses, so Traefik's metrics tell routes apart", () => {
    const routing = render({
      routes: [
        { path: "/api/orders", weight: 0 },
        { path: "/api/users", weight: 50 },
      ],
      defaultWeight: 100,
      failover: false,
    });
    const perRoute = Object.keys(routing.http.services).filter((name) => /^route-.*-via-/.test(name));
    expect(perRoute.sort()).toEqual([
      "route-api-orders-via-flask",
      "route-api-users-via-fastapi",
      "route-api-users-via-flask",
      "route-default-via-fastapi",
    ]);
    expect(routing.http.services["route-api-users-via-flask"]).toEqual({
      loadBalancer: {
        servers: [{ url: "http://flask-0:5000" }],
        passHostHeader: true,
        healthCheck: { path: "/healthz", interval: "2s", timeout: "1s" },
      },
    });
  });

  it("lets the override header win over every weight", () => {
    const routing = render();
    const overrides = ["override-fastapi", "override-flask"].map((name) => routing.http.routers[name]);
    expect(overrides.map((router) => router.rule)).toEqual([
      "PathPrefix(`/`) && Header(`X-Backend`, `fastapi`)",
      "PathPrefix(`/`) && Header(`X-Backend`, `flask`)",
    ]);
    expect(overrides.map((router) => router.service)).toEqual(["override-via-fastapi", "override-via-flask"]);
    const routePriorities = Object.entries(routing.http.routers)
      .filter(([name]) => name.startsWith("route-"))
      .map(([, router]) => router.priority);
    for (const override of overrides) expect(override.priority).toBeGreaterThan(Math.max(...routePriorities));
  });

  it("pins sticky clients with a cookie named after the route and its weight", () => {
    const routing = render();
    expect(routing.http.services["split-api-users-get-head"].weighted.sticky).toEqual({
      cookie: { name: "migration_api_users_get_head_w10", httpOnly: true, sameSite: "lax" },
    });
    expect(render({ sticky: false }).http.services["split-api-users-get-head"].weighted.sticky).toBeUndefined();
  });

  it("balances a route's backend over every replica and skips unhealthy ones, probed fast enough for failover", () => {
    expect(render().http.services["route-default-via-fastapi"]).toEqual({
      loadBalancer: {
        servers: [{ url: "http://fastapi-0:8000" }, { url: "http://fastapi-1:8000" }],
        passHostHeader: true,
        healthCheck: { path: "/healthz", interval: "500ms", timeout: "1000ms" },
      },
    });
    expect(render({ failover: false }).http.services["route-default-via-fastapi"].loadBalancer.healthCheck).toEqual({
      path: "/healthz",
      interval: "2s",
      timeout: "1s",
    });
  });

  it("retries a failed GET, HEAD or OPTIONS once, on a router of its own a step above the route's", () => {
    const routing = render({ routes: [{ path: "/api/users", weight: 50 }] });
    expect(routing.http.routers["route-api-users-retried"]).toEqual({
      entryPoints: ["web"],
      rule: "PathPrefix(`/api/users`) && (Method(`GET`) || Method(`HEAD`) || Method(`OPTIONS`))",
      priority: routing.http.routers["route-api-users"].priority + 1,
      middlewares: ["failover-retry"],
      service: "split-api-users",
    });
    expect(routing.http.routers["route-api-users"].middlewares).toBeUndefined();
    expect(routing.http.middlewares["failover-retry"]).toEqual({
      plugin: {
        failoverretry: {
          methods: ["GET", "HEAD", "OPTIONS"],
          backendHeader: "X-App-Backend",
          wait: "1750ms",
          budgetFloorPerSecond: 10,
          budgetShare: 0.5,
        },
      },
    });
  });

  it("retries only the methods a route takes, and gives a route of safe methods only no unretried router", () => {
    const routing = render();
    expect(routing.http.routers["route-api-users-get-head"]).toBeUndefined();
    expect(routing.http.routers["route-api-users-get-head-retried"].rule).toBe(
      "PathPrefix(`/api/users`) && (Method(`GET`) || Method(`HEAD`))",
    );
    expect(routing.http.routers["route-api-orders-post-put-patch-delete-retried"]).toBeUndefined();
    expect(routing.http.routers["route-api-orders-post-put-patch-delete"].middlewares).toBeUndefined();
  });

  it("serves each backend's share from that backend while it is up, else from the other through a fallback service of its own", () => {
    const routing = render({ routes: [{ path: "/api/orders", weight: 40 }], defaultWeight: 100 });
    expect(routing.http.services["split-api-orders"].weighted.services).toEqual([
      { name: "failover-api-orders-fastapi", weight: 40 },
      { name: "failover-api-orders-flask", weight: 60 },
    ]);
    expect(routing.http.services["failover-api-orders-flask"]).toEqual({
      failover: {
        service: "route-api-orders-via-flask",
        fallback: "route-api-orders-fallback-for-flask",
        healthCheck: {},
      },
    });
    // The fallback for Flask's share is FastAPI's replicas, in a service apart from FastAPI's own on the route.
    expect(routing.http.services["route-api-orders-fallback-for-flask"].loadBalancer.servers).toEqual(
      routing.http.services["override-via-fastapi"].loadBalancer.servers,
    );
    // Flask is the backup of a 100% route.
    expect(routing.http.routers["route-default"].service).toBe("failover-default-fastapi");
    expect(routing.http.services["failover-default-fastapi"].failover).toMatchObject({
      service: "route-default-via-fastapi",
      fallback: "route-default-fallback-for-fastapi",
    });
    expect(routing.http.services["split-default"]).toBeUndefined();
  });

  it("never falls back to FastAPI on a 0% route: Flask serves it alone, even when a probe sees it down", () => {
    const routing = render({ routes: [{ path: "/api/orders", weight: 0 }], defaultWeight: 100 });
    expect(routing.http.routers["route-api-orders"].service).toBe("route-api-orders-via-flask");
    expect(routing.http.routers["route-api-orders-retried"].service).toBe("route-api-orders-via-flask");
    expect(Object.keys(routing.http.services).filter((name) => name.includes("api-orders"))).toEqual([
      "route-api-orders-via-flask",
    ]);
  });

  it("renders no retry, no failover service and no fallback with failover off", () => {
    const text = renderTraefikRouting(
      (() => {
        const config = devPlatformConfig({ routes: [{ path: "/api/orders", weight: 0 }], failover: false });
        return buildRoutingPlan(snapshotOf(config), config, backendServers(config));
      })(),
    );
    expect(text).not.toMatch(/retry|failover|fallback|healthCheck: \{\}/);
  });

  it("references Flask nowhere once every route is at 100%, with failover off", () => {
    const text = renderTraefikRouting(
      (() => {
        const config = devPlatformConfig({
          routes: [{ path: "/api/users", weight: 100 }],
          defaultWeight: 100,
          failover: false,
        });
        return buildRoutingPlan(snapshotOf(config), config, backendServers(config));
      })(),
    );
    expect(text).not.toMatch(/flask/);
  });
});

describe("Traefik static configuration", () => {
  const staticConfig = load(renderTraefikStaticConfig({ directory: "/etc/traefik/routing" })) as any;

  it("watches the routing directory so weight changes need no restart", () => {
    expect(staticConfig.providers).toEqual({
      providersThrottleDuration: "200ms",
      file: { directory: "/etc/traefik/routing", watch: true },
    });
  });

  it("exposes per-router and per-service Prometheus metrics, with the apps' latency buckets, and a ping on the metrics entry point", () => {
    expect(staticConfig.metrics.prometheus).toEqual({
      entryPoint: "metrics",
      addEntryPointsLabels: true,
      addRoutersLabels: true,
      addServicesLabels: true,
      buckets: [...LATENCY_BUCKETS_SECONDS],
    });
    expect(staticConfig.ping).toEqual({ entryPoint: "metrics" });
  });

  it("never phones home (the machines running it may be air-gapped)", () => {
    expect(staticConfig.global).toEqual({ checkNewVersion: false, sendAnonymousUsage: false });
  });

  it("drops idle backend connections before the apps do, and bounds a dead or hung backend's connect and answer", () => {
    expect(staticConfig.serversTransport).toEqual({
      forwardingTimeouts: { idleConnTimeout: "1s", dialTimeout: "1s", responseHeaderTimeout: "30s" },
    });
  });

  it("loads both project plugins, on the file provider and on Kubernetes alike", () => {
    const kubernetesConfig = load(renderTraefikStaticConfig({ kubernetesNamespace: "migration-dev" })) as any;
    for (const config of [staticConfig, kubernetesConfig]) {
      expect(config.experimental).toEqual({
        localPlugins: {
          failoverretry: { moduleName: "migration.local/failoverretry" },
          staticresponse: { moduleName: "migration.local/staticresponse" },
        },
      });
    }
  });
});

describe("Traefik's plugin files", () => {
  const config = devPlatformConfig();
  const dockerFiles = renderTraefikIngress(
    buildRoutingPlan(snapshotOf(config), config, backendServers(config)),
    {},
  ).staticFiles;
  const kubernetesFiles = renderTraefikKubernetesFiles("migration-dev");
  const pluginFiles = (files: typeof dockerFiles) => files.filter((file) => file.path.startsWith("/plugins-local/"));

  it("puts each plugin's manifest and Go file under /plugins-local/src/<module name>, on both targets", () => {
    const paths = [
      "/plugins-local/src/migration.local/failoverretry/.traefik.yml",
      "/plugins-local/src/migration.local/failoverretry/failoverretry.go",
      "/plugins-local/src/migration.local/staticresponse/.traefik.yml",
      "/plugins-local/src/migration.local/staticresponse/staticresponse.go",
    ];
    expect(dockerFiles.map((file) => file.path)).toEqual(["/etc/traefik/traefik.yml", ...paths]);
    expect(kubernetesFiles.map((file) => file.path)).toEqual(["/etc/traefik/traefik.yml", ...paths]);
    expect(pluginFiles(kubernetesFiles)).toEqual(pluginFiles(dockerFiles));
  });

  it("gives each plugin the manifest and package Traefik looks for under its module name", () => {
    for (const name of ["failoverretry", "staticresponse"]) {
      const file = (fileName: string) =>
        dockerFiles.find((candidate) => candidate.path === `/plugins-local/src/migration.local/${name}/${fileName}`)!;
      expect(load(file(".traefik.yml").content)).toMatchObject({
        type: "middleware",
        runtime: "yaegi",
        import: `migration.local/${name}`,
      });
      expect(file(`${name}.go`).content).toMatch(new RegExp(`^package ${name}$`, "m"));
    }
  });
});
