import { describe, expect, it } from "vitest";
import { migrationState, progressOf } from "../../infra/cutover/progress";
import { buildReport, renderReportJson, renderReportMarkdown } from "../../infra/cutover/report";
import type { MetricsReading } from "../../infra/cutover/routeFigures";
import { buildStatus } from "../../infra/cutover/routeStatus";
import { renderStatus } from "../../infra/cutover/statusTable";
import { stepEvents, type UpdateRecord } from "../../infra/cutover/stepHistory";
import { devPlatformConfig } from "../support/configs";

const config = devPlatformConfig();
const now = new Date("2030-01-01T12:30:00Z");
const deploy = (version: number, minute: number, usersWeight: number, message: string): UpdateRecord => ({
  version,
  kind: "update",
  result: "succeeded",
  startTime: new Date(Date.UTC(2030, 0, 1, 12, minute, 0)),
  endTime: new Date(Date.UTC(2030, 0, 1, 12, minute, 20)),
  message,
  environment: { "git.author": "Dana Dev" },
  config: {
    "migration:defaultWeight": "10",
    "migration:routes": JSON.stringify([{ ...config.routes[0], weight: usersWeight }, config.routes[1]]),
  },
});
const events = stepEvents(
  [
    deploy(
      2,
      20,
      50,
      "cutover advance by alice: api-users-get-head 10→50%; forced past bakeTime; reason: soak | done in staging",
    ),
    deploy(1, 0, 10, "first deploy"),
  ],
  "migration",
);
const metrics: MetricsReading = {
  available: true,
  routes: {
    "api-users-get-head": {
      flask: { requestRate: 9, requestsInWindow: 2700, errorRatio: 0.001, latencyP99Seconds: 0.12, observedShare: 0.5 },
      fastapi: { requestRate: 9, requestsInWindow: 2700, errorRatio: 0, latencyP99Seconds: 0.08, observedShare: 0.5 },
      failoverRate: 0.3,
    },
    default: {
      flask: { requestRate: 1.8, observedShare: 0.9 },
      fastapi: { requestRate: 0.2, observedShare: 0.1, latencyP99Seconds: NaN },
    },
  },
};
const deployed = { defaultWeight: 10, routes: [{ ...config.routes[0], weight: 50 }, config.routes[1]] };
const status = buildStatus({
  stack: "dev",
  config: devPlatformConfig({ routes: deployed.routes }),
  deployed,
  metrics,
  events,
  flaskBackup: { state: "routed", routes: ["every other path (defaultWeight): 90%"] },
  now,
});

describe("progress", () => {
  it("counts endpoint groups at 100 and FastAPI's share of all requests", () => {
    expect(progressOf([100, 0, 50], metrics)).toEqual({
      endpoints: 3,
      endpointsOnFastapi: 1,
      endpointShare: 1 / 3,
      trafficShare: 9.2 / 20,
    });
  });

  it("has no traffic share without figures or without traffic", () => {
    expect(progressOf([10], { available: false, reason: "down" }).trafficShare).toBeUndefined();
    expect(
      progressOf([10], {
        available: true,
        routes: { default: { flask: { requestRate: 0 }, fastapi: { requestRate: NaN } } },
      }).trafficShare,
    ).toBeUndefined();
  });

  it("names each state", () => {
    expect([0, 10, 100].map(migrationState)).toEqual(["legacy", "canary 10%", "migrated"]);
  });
});

describe("status", () => {
  it("is a table per route with Flask and FastAPI side by side and the failovers, then the progress", () => {
    expect(renderStatus(status)).toBe(
      [
        "Stack dev: FastAPI weight and observed FastAPI share per route; figures over the last 5m",
        "",
        "ROUTE                             MATCHES                                 WEIGHT  OBSERVED  REQ/S flask / fastapi  5XX flask / fastapi  P99 flask / fastapi  FAILOVER/S  LAST STEP",
        "api-users-get-head                /api/users (GET, HEAD)                  50%     50.0%     9.0 / 9.0              0.10% / 0.00%        120 ms / 80 ms       0.3         9m 40s ago",
        "api-orders-post-put-patch-delete  /api/orders (POST, PUT, PATCH, DELETE)  0%      —         — / —                  — / —                — / —                —           29m 40s ago",
        "default                           every other path (defaultWeight)        10%     10.0%     1.8 / 0.2              — / —                — / —                —           29m 40s ago",
        "",
        "0 of 3 endpoint groups fully on FastAPI (0.0%); FastAPI served 46.0% of all requests in the last 5m",
        "Flask: still routed (every other path (defaultWeight): 90%); its backup window starts when no route sends it traffic",
      ].join("\n"),
    );
  });

  it("shows a configured weight that is not deployed, and why there are no figures", () => {
    const drifted = buildStatus({
      stack: "dev",
      config,
      deployed,
      metrics: { available: false, reason: "Prometheus at http://127.0.0.1:9090 is unreachable (ECONNREFUSED)" },
      events,
      flaskBackup: { state: "routed", routes: ["every other path (defaultWeight): 90%"] },
      now,
    });
    const text = renderStatus(drifted);
    expect(text.split("\n")[0]).toBe(
      "Stack dev: FastAPI weight and observed FastAPI share per route; no figures: Prometheus at http://127.0.0.1:9090 is unreachable (ECONNREFUSED)",
    );
    expect(text).toContain("10% (deployed 50%)");
    expect(drifted.routes[0]).toMatchObject({ configuredWeight: 10, deployedWeight: 50, state: "canary 50%" });
  });

  it("is plain data for --json: ISO times, seconds since the last step, no data as null", () => {
    const json = JSON.parse(JSON.stringify(status));
    expect(json.routes[0]).toMatchObject({
      id: "api-users-get-head",
      lastStepAt: "2030-01-01T12:20:20.000Z",
      secondsSinceLastStep: 580,
    });
    expect(json.routes[2].fastapi.latencyP99Seconds).toBeNull();
  });
});

describe("the report", () => {
  const nextStep = {
    changes: [{ routeId: "api-users-get-head", matches: "/api/users (GET, HEAD)", from: 50, to: 100 }],
    decision: "refused" as const,
    gates: [
      {
        gate: "bakeTime" as const,
        routeId: "api-users-get-head",
        outcome: "fail" as const,
        reason: "last step 9m 40s ago; bake time is 2m",
      },
    ],
  };
  const report = buildReport(status, nextStep, events);

  it("renders Markdown: progress, endpoints and state, figures, gates for the next step, history with who, when and why", () => {
    expect(renderReportMarkdown(report)).toBe(
      [
        "# Migration report: stack dev",
        "",
        "Generated 2030-01-01T12:30:00.000Z. Figures over the last 5m.",
        "",
        "## Progress",
        "",
        "0 of 3 endpoint groups fully on FastAPI (0.0%); FastAPI served 46.0% of all requests in the last 5m.",
        "",
        "Flask: still routed (every other path (defaultWeight): 90%); its backup window starts when no route sends it traffic.",
        "",
        "## Endpoints",
        "",
        "| route | matches | state | weight | last step |",
        "| --- | --- | --- | --- | --- |",
        "| `api-users-get-head` | /api/users (GET, HEAD) | canary 50% | 50% | 2030-01-01T12:20:20.000Z (9m 40s ago) |",
        "| `api-orders-post-put-patch-delete` | /api/orders (POST, PUT, PATCH, DELETE) | legacy | 0% | 2030-01-01T12:00:20.000Z (29m 40s ago) |",
        "| `default` | every other path (defaultWeight) | canary 10% | 10% | 2030-01-01T12:00:20.000Z (29m 40s ago) |",
        "",
        "## Flask vs FastAPI (last 5m)",
        "",
        "| route | requests/s Flask | requests/s FastAPI | observed FastAPI share | 5xx Flask | 5xx FastAPI | p99 Flask | p99 FastAPI |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        "| `api-users-get-head` | 9.0 | 9.0 | 50.0% | 0.10% | 0.00% | 120 ms | 80 ms |",
        "| `api-orders-post-put-patch-delete` | — | — | — | — | — | — | — |",
        "| `default` | 1.8 | 0.2 | 10.0% | — | — | — | — |",
        "",
        "## Gates for the next step",
        "",
        "Next step: api-users-get-head 50→100%; `advance` would refuse (without --force).",
        "",
        "| route | gate | outcome | reason |",
        "| --- | --- | --- | --- |",
        "| `api-users-get-head` | bakeTime | fail | last step 9m 40s ago; bake time is 2m |",
        "",
        "## History",
        "",
        "| when (UTC) | who | changes | why |",
        "| --- | --- | --- | --- |",
        "| 2030-01-01T12:00:20.000Z | Dana Dev (git author of HEAD) | api-users-get-head set to 10%, api-orders-post-put-patch-delete set to 0%, default set to 10% | first deploy |",
        "| 2030-01-01T12:20:20.000Z | alice | api-users-get-head 10→50% | forced past bakeTime: soak \\| done in staging |",
        "",
      ].join("\n"),
    );
  });

  it("says why there is no next step and when there is no figure", () => {
    const done = renderReportMarkdown(
      buildReport(
        { ...status, metrics: { available: false, reason: "stack dev exports no prometheusUrl" } },
        { none: "every route is already at 100% FastAPI; nothing to advance" },
        [],
      ),
    );
    expect(done).toContain("No figures: stack dev exports no prometheusUrl\n");
    expect(done).toContain("No next step: every route is already at 100% FastAPI; nothing to advance.\n");
    expect(done).toContain("No successful update in the stack's history.\n");
  });

  it("renders the same content as JSON", () => {
    const json = JSON.parse(renderReportJson(report));
    expect(json.history[1]).toEqual({
      version: 2,
      at: "2030-01-01T12:20:20.000Z",
      who: "alice",
      whoSource: "cutover",
      why: "forced past bakeTime: soak | done in staging",
      action: "advance",
      changes: [{ routeId: "api-users-get-head", matches: "/api/users (GET, HEAD)", from: 10, to: 50 }],
    });
    expect(json.nextStep.decision).toBe("refused");
    expect(json.status.progress.endpoints).toBe(3);
  });
});
