import { describe, expect, it } from "vitest";
import type { PlatformConfig } from "../../infra/config/schema";
import { backendServers } from "../../components/docker/addressing";
import { effectiveWeight } from "../../infra/routing/matching";
import { buildRoutingPlan } from "../../infra/routing/plan";
import { assignRouteIds } from "../../infra/routing/routeIds";
import { flaskTrafficOf, parseSnapshot, snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "../support/configs";

describe("route ids", () => {
  it("derive from path and methods, never clash with the default route, and stay unique", () => {
    expect(
      assignRouteIds([
        { path: "/api/users", methods: ["GET", "HEAD"] },
        { path: "/api/users_x" },
        { path: "/api/users-x" },
        { path: "/default" },
        { path: "/" },
      ]),
    ).toEqual(["api-users-get-head", "api-users-x", "api-users-x-2", "default-2", "root"]);
  });
});

describe("the routing plan", () => {
  const planOf = (config: PlatformConfig) => buildRoutingPlan(snapshotOf(config), config, backendServers(config));

  it("lists the configured routes in order, then the default route", () => {
    const plan = planOf(devPlatformConfig());
    expect(plan.routes.map(({ id, path, methods, weight }) => ({ id, path, methods, weight }))).toEqual([
      { id: "api-users-get-head", path: "/api/users", methods: ["GET", "HEAD"], weight: 10 },
      {
        id: "api-orders-post-put-patch-delete",
        path: "/api/orders",
        methods: ["POST", "PUT", "PATCH", "DELETE"],
        weight: 0,
      },
      { id: "default", path: "/", methods: undefined, weight: 10 },
    ]);
  });

  it("addresses every replica by its network alias", () => {
    const plan = planOf(devPlatformConfig());
    expect(plan.fastapi).toEqual({
      name: "fastapi",
      servers: ["fastapi-0:8000", "fastapi-1:8000"],
      healthPath: "/healthz",
    });
    expect(plan.flask).toEqual({ name: "flask", servers: ["flask-0:5000"], healthPath: "/healthz" });
  });

  it("names a sticky cookie per route and weight only for split routes", () => {
    const plan = planOf(devPlatformConfig());
    expect(plan.routes.map((route) => route.stickyCookie)).toEqual([
      "migration_api_users_get_head_w10",
      undefined,
      "migration_default_w10",
    ]);
    const notSticky = planOf(devPlatformConfig({ sticky: false }));
    expect(notSticky.routes.map((route) => route.stickyCookie)).toEqual([undefined, undefined, undefined]);
  });

  it("keeps Flask as the backup once every route sends FastAPI 100%, while failover is on", () => {
    const config = devPlatformConfig({ routes: [{ path: "/api/users", weight: 100 }], defaultWeight: 100 });
    expect(planOf(config)).toMatchObject({ failover: true, flask: { servers: ["flask-0:5000"] } });
  });

  it("drops Flask entirely once every route sends FastAPI 100%, with failover off", () => {
    const config = devPlatformConfig({
      routes: [{ path: "/api/users", weight: 100 }],
      defaultWeight: 100,
      failover: false,
    });
    expect(planOf(config)).toMatchObject({ failover: false, flask: undefined });
  });

  it("turns failover off for an external Flask, which has no health path to probe", () => {
    const config = { ...devPlatformConfig(), flask: { mode: "external" as const, url: "http://10.1.2.3:5000" } };
    expect(planOf(config).failover).toBe(false);
  });

  it("lets a backend's share fall back to the other backend only on routes FastAPI has a share of", () => {
    const routes = [
      { path: "/ported", weight: 100 },
      { path: "/split", weight: 50 },
      { path: "/flask-only", weight: 0 },
    ];
    const fallbacks = (config: PlatformConfig) =>
      planOf(config).routes.map(({ path, otherBackendFallback }) => [path, otherBackendFallback]);
    expect(fallbacks(devPlatformConfig({ routes, defaultWeight: 0 }))).toEqual([
      ["/ported", true],
      ["/split", true],
      ["/flask-only", false],
      ["/", false],
    ]);
    expect(fallbacks(devPlatformConfig({ routes, defaultWeight: 10, failover: false }))).toEqual([
      ["/ported", false],
      ["/split", false],
      ["/flask-only", false],
      ["/", false],
    ]);
  });

  it("keeps Flask while a single route still sends it traffic", () => {
    const config = devPlatformConfig({ routes: [{ path: "/api/users", weight: 0 }], defaultWeight: 100 });
    expect(planOf(config).flask?.servers).toEqual(["flask-0:5000"]);
  });

  it("reaches an external Flask at its URL, without health probes it may not answer", () => {
    const config = { ...devPlatformConfig(), flask: { mode: "external" as const, url: "http://10.1.2.3:5000" } };
    expect(backendServers(config).flask).toEqual({ servers: ["10.1.2.3:5000"] });
  });
});

describe("matching", () => {
  const map = {
    defaultWeight: 10,
    routes: [
      { path: "/api/users", methods: ["GET" as const], weight: 100 },
      { path: "/api", weight: 50 },
    ],
  };

  it("takes the first route whose prefix and methods match", () => {
    expect(effectiveWeight(map, "/api/users/7", "GET")).toBe(100);
    expect(effectiveWeight(map, "/api/users/7", "POST")).toBe(50);
    expect(effectiveWeight(map, "/api/orders", "GET")).toBe(50);
  });

  it("falls back to the default weight", () => {
    expect(effectiveWeight(map, "/healthz", "GET")).toBe(10);
  });
});

describe("the exported migration map", () => {
  it("round-trips through the snapshot parser", () => {
    const snapshot = snapshotOf(devPlatformConfig());
    expect(parseSnapshot(JSON.parse(JSON.stringify(snapshot)))).toEqual(snapshot);
  });

  it("is undefined for a stack that exported nothing yet", () => {
    expect(parseSnapshot(undefined)).toBeUndefined();
  });

  it("lists what still reaches Flask", () => {
    expect(flaskTrafficOf(snapshotOf(devPlatformConfig()))).toEqual([
      "/api/users (GET, HEAD): 90%",
      "/api/orders (POST, PUT, PATCH, DELETE): 100%",
      "every other path (defaultWeight): 90%",
    ]);
  });

  it("lists nothing once every route is fully on FastAPI", () => {
    expect(flaskTrafficOf({ defaultWeight: 100, routes: [{ path: "/api", weight: 100 }] })).toEqual([]);
  });
});
