import { describe, expect, it } from "vitest";
import { decommissionVerdict, describeFlaskBackup, flaskBackup } from "../../infra/cutover/flaskBackup";
import type { UpdateRecord } from "../../infra/cutover/stepHistory";
import { update, type Weights } from "../support/updateRecords";

const PLATFORM = "organization/migration/prod";
const routed: Weights = { users: 50, orders: 100, default: 100 };
const allFastapi: Weights = { users: 100, orders: 100, default: 100 };
const withWindow = (record: UpdateRecord, window: string): UpdateRecord => ({
  ...record,
  config: { ...record.config, "migration:backupWindow": window },
});
/** `pulumi stack history` lists the newest update first. */
const newestFirst = (...updates: UpdateRecord[]) => [...updates].reverse();

describe("Flask's backup window", () => {
  it("starts with the update that took Flask's last configured share away, and lasts the deployed backupWindow", () => {
    const history = newestFirst(
      update(1, 0, routed),
      withWindow(update(2, 10, allFastapi), "1h"),
      // A later update at 100% (e.g. a new image) does not move the start.
      withWindow(update(3, 30, allFastapi), "1h"),
    );
    expect(flaskBackup(history, "migration")).toEqual({
      state: "backup",
      idleSince: new Date("2030-01-01T12:10:20Z"),
      version: 2,
      window: "1h",
      until: new Date("2030-01-01T13:10:20Z"),
    });
  });

  it("starts over after a rollback routes traffic to Flask again", () => {
    const history = newestFirst(
      update(1, 0, allFastapi),
      update(2, 10, { ...allFastapi, orders: 0 }),
      withWindow(update(3, 20, allFastapi), "2d"),
    );
    expect(flaskBackup(history, "migration")).toMatchObject({
      idleSince: new Date("2030-01-01T12:20:20Z"),
      until: new Date("2030-01-03T12:20:20Z"),
    });
  });

  it("reads only successful updates, and the schema's 14 days when the deployed config predates the key", () => {
    const history = newestFirst(
      update(1, 0, allFastapi),
      update(2, 10, routed, { result: "failed" }),
      update(3, 20, routed, { kind: "refresh" }),
    );
    expect(flaskBackup(history, "migration")).toMatchObject({ window: "14d", version: 1 });
  });

  it("is routed while the last successful update sends Flask a share, and unknown without one", () => {
    expect(flaskBackup(newestFirst(update(1, 0, allFastapi), update(2, 5, routed)), "migration")).toEqual({
      state: "routed",
      routes: ["/api/users (GET): 50%"],
    });
    expect(flaskBackup(newestFirst(update(1, 0, routed, { result: "failed" })), "migration")).toEqual({
      state: "unknown",
    });
  });
});

describe("the decommission verdict", () => {
  const backup = flaskBackup(newestFirst(withWindow(update(7, 10, allFastapi), "14d")), "migration");

  it("refuses inside the window with the date destroy becomes allowed, and allows from that date", () => {
    const inside = decommissionVerdict(PLATFORM, backup, new Date("2030-01-15T12:10:19Z"));
    expect(inside).toEqual({
      allowed: false,
      reason: expect.stringMatching(
        /^Flask is the backup until 2030-01-15 12:10:20 UTC: platform stack organization\/migration\/prod has routed it nothing since 2030-01-01 12:10:20 UTC \(update 7\), and its migration:backupWindow is 14d\. Destroy is allowed from 2030-01-15 12:10:20 UTC\. To destroy it anyway/,
      ),
    });
    expect(decommissionVerdict(PLATFORM, backup, new Date("2030-01-15T12:10:20Z"))).toEqual({ allowed: true });
  });

  it("allows at once with a window of 0s", () => {
    const none = flaskBackup(newestFirst(withWindow(update(1, 0, allFastapi), "0s")), "migration");
    expect(decommissionVerdict(PLATFORM, none, new Date("2030-01-01T12:00:20Z"))).toEqual({ allowed: true });
  });

  it("refuses while routed, listing what still reaches Flask, and when the history cannot tell", () => {
    expect(
      decommissionVerdict(PLATFORM, { state: "routed", routes: ["/api/orders (all methods): 100%"] }, new Date()),
    ).toEqual({
      allowed: false,
      reason:
        "platform stack organization/migration/prod still routes traffic to Flask:\n  - /api/orders (all methods): 100%\n" +
        "Set those weights to 100 in the platform stack and run `pulumi up` there first; then destroy this stack.",
    });
    expect(decommissionVerdict(PLATFORM, { state: "unknown" }, new Date())).toMatchObject({
      allowed: false,
      reason: expect.stringContaining("has no successful update in its history"),
    });
  });

  it("is one line for status and report, before and after the window", () => {
    expect(describeFlaskBackup(backup, new Date("2030-01-02T00:00:00Z"))).toBe(
      "Flask: the backup until 2030-01-15 12:10:20 UTC (no configured traffic since 2030-01-01 12:10:20 UTC, backupWindow 14d); its stack may be destroyed from then",
    );
    expect(describeFlaskBackup(backup, new Date("2030-02-01T00:00:00Z"))).toBe(
      "Flask: no configured traffic since 2030-01-01 12:10:20 UTC; the backup window (14d) is over, its stack may be destroyed",
    );
  });
});
