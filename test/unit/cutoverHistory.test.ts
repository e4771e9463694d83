import { describe, expect, it } from "vitest";
import { lastStepAt, stepEvents, type UpdateRecord } from "../../infra/cutover/stepHistory";
import { formatUpdateMessage, parseUpdateMessage } from "../../infra/cutover/updateMessage";
import { update } from "../support/updateRecords";

describe("the update message", () => {
  it("records who, what and why, and reads back", () => {
    const record = {
      action: "advance" as const,
      by: "alice",
      changes: "api-users-get 10→50%",
      forced: ["bakeTime", "traffic"],
      reason: "staging soak;\nall green",
    };
    const message = formatUpdateMessage(record);
    expect(message).toBe(
      "cutover advance by alice: api-users-get 10→50%; forced past bakeTime, traffic; reason: staging soak; all green",
    );
    expect(parseUpdateMessage(message)).toEqual({ ...record, reason: "staging soak; all green" });
  });

  it("reads a plain advance and a rollback, and nothing else", () => {
    expect(parseUpdateMessage("cutover advance by bob: default 10→50%")).toEqual({
      action: "advance",
      by: "bob",
      changes: "default 10→50%",
      forced: [],
      reason: undefined,
    });
    expect(parseUpdateMessage("cutover rollback by bob: default 50→0%; reason: 5xx spike")).toMatchObject({
      action: "rollback",
      reason: "5xx spike",
    });
    expect(parseUpdateMessage("bump images")).toBeUndefined();
  });

  it("keeps the user name from ending the 'by' part early", () => {
    expect(
      parseUpdateMessage(
        formatUpdateMessage({ action: "rollback", by: "CORP:alice", changes: "default 10→0%", forced: [] }),
      )?.by,
    ).toBe("CORPalice");
  });
});

describe("steps from the update history", () => {
  // Newest first, as `pulumi stack history` lists them.
  const history: UpdateRecord[] = [
    update(
      7,
      30,
      { users: 0, orders: 0, default: 0 },
      { message: "cutover rollback by bob: api-users-get 50→0%, default 50→0%; reason: 5xx spike" },
    ),
    update(6, 25, { users: 50, orders: 0, default: 50 }, { message: "manual step of the default" }),
    update(5, 20, { users: 50, orders: 0, default: 10 }, { kind: "refresh" }),
    update(4, 15, { users: 100, orders: 0, default: 10 }, { result: "failed" }),
    update(3, 10, { users: 50, orders: 0, default: 10 }, { message: "cutover advance by alice: api-users-get 10→50%" }),
    update(2, 5, { users: 10, orders: 0, default: 10 }, { message: "new images" }),
    update(1, 0, { users: 10, orders: 0, default: 10 }),
  ];
  const events = stepEvents(history, "migration");

  it("are the successful updates whose weights changed, oldest first, the first deploy included", () => {
    expect(events.map((event) => event.version)).toEqual([1, 3, 6, 7]);
    expect(events[0].changes).toEqual([
      { routeId: "api-users-get", matches: "/api/users (GET)", to: 10, from: undefined },
      { routeId: "api-orders", matches: "/api/orders (all methods)", to: 0, from: undefined },
      { routeId: "default", matches: "every other path (defaultWeight)", to: 10, from: undefined },
    ]);
    expect(events[1].changes).toEqual([{ routeId: "api-users-get", matches: "/api/users (GET)", from: 10, to: 50 }]);
  });

  it("say who and why: the cutover's own record, else the git author Pulumi noted and the update's message", () => {
    expect(events.map(({ who, whoSource, why, action }) => ({ who, whoSource, why, action }))).toEqual([
      { who: "Dana Dev", whoSource: "git author of HEAD", why: "(no message)", action: undefined },
      { who: "alice", whoSource: "cutover", why: "gates passed", action: "advance" },
      { who: "Dana Dev", whoSource: "git author of HEAD", why: "manual step of the default", action: undefined },
      { who: "bob", whoSource: "cutover", why: "rollback: 5xx spike", action: "rollback" },
    ]);
  });

  it("follow start times when the backend numbers no update (the DIY backend records 0), and same-second updates in listed order", () => {
    const unnumbered = history.map((entry) => ({ ...entry, version: 0 }));
    expect(stepEvents(unnumbered, "migration").map((event) => [event.version, event.why])).toEqual([
      [undefined, "(no message)"],
      [undefined, "gates passed"],
      [undefined, "manual step of the default"],
      [undefined, "rollback: 5xx spike"],
    ]);
    const sameSecond = [
      update(0, 0, { users: 50, orders: 0, default: 10 }, { message: "second" }),
      update(0, 0, { users: 10, orders: 0, default: 10 }, { message: "first" }),
    ];
    expect(stepEvents(sameSecond, "migration").map((event) => event.why)).toEqual(["first", "second"]);
  });

  it("date a step by the end of its update", () => {
    expect(events[1].at.toISOString()).toBe("2030-01-01T12:10:20.000Z");
  });

  it("give each route the time its weight last changed", () => {
    const beforeRollback = stepEvents(history.slice(1), "migration");
    expect(lastStepAt(beforeRollback, "api-users-get")?.toISOString()).toBe("2030-01-01T12:10:20.000Z");
    expect(lastStepAt(beforeRollback, "api-orders")?.toISOString()).toBe("2030-01-01T12:00:20.000Z");
    expect(lastStepAt(beforeRollback, "default")?.toISOString()).toBe("2030-01-01T12:25:20.000Z");
    expect(lastStepAt(beforeRollback, "api-unknown")).toBeUndefined();
  });

  it("record added and removed routes", () => {
    const added = update(
      8,
      40,
      { users: 0, orders: 0, default: 0 },
      {
        config: {
          "migration:defaultWeight": "0",
          "migration:routes": JSON.stringify([
            { path: "/api/orders", weight: 0 },
            { path: "/api/audit", weight: 10 },
          ]),
        },
      },
    );
    expect(stepEvents([added, ...history], "migration").at(-1)?.changes).toEqual([
      { routeId: "api-audit", matches: "/api/audit (all methods)", to: 10, from: undefined },
      { routeId: "api-users-get", matches: "/api/users (GET)", from: 0 },
    ]);
  });

  it("skip updates whose config does not hold the weights", () => {
    expect(stepEvents([update(1, 0, { users: 10, orders: 0, default: 10 }, { config: {} })], "migration")).toEqual([]);
  });
});
