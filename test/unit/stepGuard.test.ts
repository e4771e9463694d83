import { describe, expect, it } from "vitest";
import { formatIssue } from "../../infra/config/issues";
import type { MigrationMap } from "../../infra/routing/route";
import { checkStepSize } from "../../infra/routing/stepGuard";

const deployed: MigrationMap = {
  defaultWeight: 10,
  routes: [
    { path: "/api/users", methods: ["GET"], weight: 10 },
    { path: "/api/orders", weight: 0 },
  ],
};

const messages = (next: MigrationMap, maxStep = 50) =>
  checkStepSize(deployed, next, maxStep, "migration").map(formatIssue);

describe("maxStep against the deployed weights", () => {
  it("allows any first deploy", () => {
    expect(checkStepSize(undefined, { defaultWeight: 100, routes: [] }, 10, "migration")).toEqual([]);
  });

  it("allows a step of exactly maxStep", () => {
    expect(messages({ ...deployed, defaultWeight: 60 })).toEqual([]);
  });

  it("refuses a default weight step larger than maxStep", () => {
    expect(messages({ ...deployed, defaultWeight: 61 })).toEqual([
      "migration:defaultWeight: got 61; expected at most 60: maxStep is 50 and 10 is deployed; advance in smaller steps (changes toward Flask, i.e. rollbacks, are never limited)",
    ]);
  });

  it("refuses a route step larger than maxStep and names the route", () => {
    const next: MigrationMap = { ...deployed, routes: [deployed.routes[0], { path: "/api/orders", weight: 100 }] };
    expect(messages(next)).toEqual([
      "migration:routes[1].weight: got 100; expected at most 50% FastAPI for /api/orders (all methods) (GET): 0% is deployed and maxStep is 50, this update would make it 100%; advance in smaller steps (changes toward Flask, i.e. rollbacks, are never limited)",
    ]);
  });

  it("never limits a rollback toward Flask", () => {
    expect(
      messages(
        {
          defaultWeight: 0,
          routes: [
            { path: "/api/users", methods: ["GET"], weight: 0 },
            { path: "/api/orders", weight: 0 },
          ],
        },
        5,
      ),
    ).toEqual([]);
  });

  it("compares a new route with the weight its traffic had before", () => {
    const next: MigrationMap = { ...deployed, routes: [{ path: "/api/reports", weight: 90 }, ...deployed.routes] };
    expect(messages(next)).toHaveLength(1);
    expect(messages(next)[0]).toMatch(
      /^migration:routes\[0\]\.weight: got 90; expected at most 60% FastAPI for \/api\/reports/,
    );
  });

  it("catches removing a route whose traffic would jump to a much higher default", () => {
    const deployedHigh: MigrationMap = { defaultWeight: 100, routes: [{ path: "/api/orders", weight: 0 }] };
    const issues = checkStepSize(deployedHigh, { defaultWeight: 100, routes: [] }, 50, "migration").map(formatIssue);
    expect(issues).toEqual([
      'migration:routes: got "/api/orders (all methods) removed"; expected at most 50% FastAPI for /api/orders (all methods) (GET): 0% is deployed and maxStep is 50, this update would make it 100%; advance in smaller steps (changes toward Flask, i.e. rollbacks, are never limited)',
    ]);
  });
});
