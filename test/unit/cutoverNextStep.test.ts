import { describe, expect, it } from "vitest";
import { parseAdvanceRequest } from "../../infra/cutover/advanceRequest";
import { undeployedWeights } from "../../infra/cutover/drift";
import {
  applyChanges,
  describeChanges,
  nextScheduledWeight,
  parseTargetWeight,
  planAdvance,
  planRollback,
} from "../../infra/cutover/nextStep";
import { resolveRoute, routeTargets } from "../../infra/cutover/routeTargets";
import { withWeights } from "../../infra/cutover/stackFileWeights";
import type { MigrationMap } from "../../infra/routing/route";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "../support/configs";

const dev = snapshotOf(devPlatformConfig());
const stage = { schedule: [10, 50, 100], maxStep: 50 };
const map: MigrationMap = {
  defaultWeight: 10,
  routes: [
    { path: "/api/users", methods: ["GET", "HEAD"], weight: 10 },
    { path: "/api/orders", methods: ["GET"], weight: 50 },
    { path: "/api/orders", methods: ["POST"], weight: 0 },
    { path: "/api/reports", weight: 100 },
  ],
};
const targets = routeTargets(map);
const steps = (changes: ReturnType<typeof planAdvance>) =>
  changes.map((change) => `${change.target.id}: ${change.from} → ${change.to}`);

describe("route targets", () => {
  it("list every route in match order with its config key, the default route last", () => {
    expect(routeTargets(dev).map(({ id, weight, configPath }) => ({ id, weight, configPath }))).toEqual([
      { id: "api-users-get-head", weight: 10, configPath: ["routes", 0, "weight"] },
      { id: "api-orders-post-put-patch-delete", weight: 0, configPath: ["routes", 1, "weight"] },
      { id: "default", weight: 10, configPath: ["defaultWeight"] },
    ]);
  });

  it("are found by id, by the path as in config, and 'default' for every other path", () => {
    expect(resolveRoute(targets, "api-orders-post", "dev").configPath).toEqual(["routes", 2, "weight"]);
    expect(resolveRoute(targets, "/api/users", "dev").id).toBe("api-users-get-head");
    expect(resolveRoute(targets, "default", "dev").configPath).toEqual(["defaultWeight"]);
  });

  it("refuse an unknown route, listing the known ones", () => {
    expect(() => resolveRoute(routeTargets(dev), "/api/nope", "dev")).toThrow(
      'unknown route "/api/nope" on stack dev; name a route by its path as in config or by its id: api-users-get-head = /api/users (GET, HEAD); api-orders-post-put-patch-delete = /api/orders (POST, PUT, PATCH, DELETE); default = every other path (defaultWeight)',
    );
  });

  it("refuse a path shared by routes with different methods", () => {
    expect(() => resolveRoute(targets, "/api/orders", "dev")).toThrow(
      'route "/api/orders" is ambiguous on stack dev: it is the path of api-orders-get (/api/orders (GET)) and api-orders-post (/api/orders (POST)); name one by its id',
    );
  });
});

describe("--to N", () => {
  it("accepts integers from 0 to 100", () => {
    expect([parseTargetWeight("0"), parseTargetWeight("50"), parseTargetWeight("100")]).toEqual([0, 50, 100]);
  });

  it.each(["101", "-1", "12.5", "50%", "", "fifty"])("refuses %j", (text) => {
    expect(() => parseTargetWeight(text)).toThrow(
      `--to must be an integer from 0 to 100 (percent of traffic sent to FastAPI); got "${text}"`,
    );
  });
});

describe("the next step", () => {
  it("is the schedule's next step above the current weight, at most maxStep above it", () => {
    expect([0, 10, 20, 50, 99, 100].map((weight) => nextScheduledWeight(stage, weight))).toEqual([
      10,
      50,
      50,
      100,
      100,
      undefined,
    ]);
    expect(nextScheduledWeight({ schedule: [60, 100], maxStep: 50 }, 0)).toBe(50);
  });

  it("moves every split route from where it is when no route is named, leaving routes at 0% and 100%", () => {
    expect(steps(planAdvance(targets, stage, {}))).toEqual([
      "api-users-get-head: 10 → 50",
      "api-orders-get: 50 → 100",
      "default: 10 → 50",
    ]);
  });

  it("opens a route at 0% only when it is named", () => {
    expect(steps(planAdvance(targets, stage, { route: targets[2] }))).toEqual(["api-orders-post: 0 → 10"]);
  });

  it("moves one route, named by path or id", () => {
    expect(steps(planAdvance(targets, stage, { route: resolveRoute(targets, "/api/users", "dev") }))).toEqual([
      "api-users-get-head: 10 → 50",
    ]);
  });

  it("moves to --to N without capping it at maxStep (the maxStep gate judges it)", () => {
    expect(steps(planAdvance(targets, stage, { route: targets[2], to: 75 }))).toEqual(["api-orders-post: 0 → 75"]);
  });

  it("moves every split route below --to N and leaves the others", () => {
    expect(steps(planAdvance(targets, stage, { to: 50 }))).toEqual(["api-users-get-head: 10 → 50", "default: 10 → 50"]);
  });

  it("refuses to advance a route already at 100, or every route when all are", () => {
    expect(() => planAdvance(targets, stage, { route: targets[3] })).toThrow(
      "route api-reports is already at 100% FastAPI; nothing to advance",
    );
    const done = routeTargets({ defaultWeight: 100, routes: [{ path: "/api", weight: 100 }] });
    expect(() => planAdvance(done, stage, {})).toThrow("every route is already at 100% FastAPI; nothing to advance");
    expect(() =>
      planAdvance(routeTargets({ defaultWeight: 100, routes: [{ path: "/api", weight: 0 }] }), stage, {}),
    ).toThrow(
      "nothing to advance without --route: every route is at 100% FastAPI or still at 0% (api); open a route at 0% with --route",
    );
    expect(() => planAdvance(targets, stage, { to: 10 })).toThrow(
      "nothing to advance without --route: every route is at 10% FastAPI or more or still at 0% (api-orders-post); open a route at 0% with --route",
    );
  });

  it("refuses --to below the current weight: that is a rollback", () => {
    expect(() => planAdvance(targets, stage, { route: targets[1], to: 10 })).toThrow(
      "--to 10 would move route api-orders-get back toward Flask (it is at 50%); advance only moves traffic to FastAPI: use rollback, or set the weight with pulumi config set and pulumi up",
    );
  });

  it("is described as in the update message, and applied to the map", () => {
    const changes = [
      ...planAdvance(targets, stage, { to: 50 }),
      ...planAdvance(targets, stage, { route: targets[2], to: 50 }),
    ];
    expect(describeChanges(changes)).toBe("api-users-get-head 10→50%, default 10→50%, api-orders-post 0→50%");
    expect(applyChanges(map, changes)).toEqual({
      defaultWeight: 50,
      routes: [
        { path: "/api/users", methods: ["GET", "HEAD"], weight: 50 },
        { path: "/api/orders", methods: ["GET"], weight: 50 },
        { path: "/api/orders", methods: ["POST"], weight: 50 },
        { path: "/api/reports", weight: 100 },
      ],
    });
  });
});

describe("rollback", () => {
  it("sends every weight above 0 to 0", () => {
    expect(steps(planRollback(targets))).toEqual([
      "api-users-get-head: 10 → 0",
      "api-orders-get: 50 → 0",
      "api-reports: 100 → 0",
      "default: 10 → 0",
    ]);
  });
});

describe("advance options", () => {
  it("need a reason with --force", () => {
    expect(() => parseAdvanceRequest({ stack: "dev", force: true })).toThrow(
      '--force needs --reason "...": overriding a gate is recorded with its reason in the stack\'s update history',
    );
    expect(() => parseAdvanceRequest({ stack: "dev", force: true, reason: "   " })).toThrow("--force needs --reason");
  });

  it("validate --to and keep the rest", () => {
    expect(() => parseAdvanceRequest({ stack: "dev", to: "150" })).toThrow(
      '--to must be an integer from 0 to 100 (percent of traffic sent to FastAPI); got "150"',
    );
    expect(
      parseAdvanceRequest({
        stack: "dev",
        route: "/api/users",
        to: "50",
        force: true,
        reason: " canary looks fine ",
        dryRun: true,
      }),
    ).toEqual({
      stack: "dev",
      route: "/api/users",
      to: 50,
      dryRun: true,
      reason: "canary looks fine",
      force: true,
    });
  });
});

describe("weights configured but not deployed", () => {
  it("are listed by route", () => {
    const configured: MigrationMap = {
      ...map,
      defaultWeight: 50,
      routes: [...map.routes.slice(0, 3), { path: "/api/audit", weight: 0 }],
    };
    expect(undeployedWeights(configured, map)).toEqual([
      "api-audit (/api/audit (all methods)) is configured at 0% but not deployed",
      "default (every other path (defaultWeight)) is configured at 50% but 10% is deployed",
      "api-reports (/api/reports (all methods)) is deployed at 100% but no longer configured",
    ]);
    expect(undeployedWeights(map, map)).toEqual([]);
  });
});

describe("the preview's stack file", () => {
  it("gets the new weights where pulumi config set --path would put them, and nothing else changes", () => {
    const document = {
      encryptionsalt: "v1:abc",
      config: {
        "migration:defaultWeight": 10,
        "migration:routes": [
          { path: "/api/users", methods: ["GET"], weight: 10 },
          { path: "/api/orders", weight: 0 },
        ],
        "migration:sticky": true,
      },
    };
    const previewed = routeTargets({
      defaultWeight: 10,
      routes: document.config["migration:routes"] as MigrationMap["routes"],
    });
    const changes = [
      ...planAdvance(previewed, stage, { to: 50 }),
      ...planAdvance(previewed, stage, { route: previewed[1], to: 50 }),
    ];
    expect(withWeights(document, "migration", changes)).toEqual({
      encryptionsalt: "v1:abc",
      config: {
        "migration:defaultWeight": 50,
        "migration:routes": [
          { path: "/api/users", methods: ["GET"], weight: 50 },
          { path: "/api/orders", weight: 50 },
        ],
        "migration:sticky": true,
      },
    });
    expect(document.config["migration:defaultWeight"]).toBe(10);
  });
});
