import { describe, expect, it } from "vitest";
import { compareApps, type AppsRuns } from "../bench/appsVerdict";
import type { WrkFigures } from "../bench/wrk";

const figures = (requestsPerSecond: number, p99Ms: number, failed = 0): WrkFigures => ({
  requestsPerSecond,
  p50Ms: p99Ms / 4,
  p99Ms,
  failed,
});

/** Three rounds per app at 8 connections. */
const runsOf = (flask: WrkFigures[], fastapi: WrkFigures[]): AppsRuns => ({
  flask: { 8: flask },
  fastapi: { 8: fastapi },
});

describe("the apps benchmark's verdict at one concurrency", () => {
  it("passes when FastAPI serves at least Flask's req/s with a p99 no higher, on the medians of the rounds", () => {
    // FastAPI's one slow round (300 req/s, 90 ms) is not its median.
    const runs = runsOf(
      [figures(700, 40), figures(720, 42), figures(680, 45)],
      [figures(1500, 20), figures(300, 90), figures(1400, 22)],
    );
    expect(compareApps(runs, 8)).toMatchObject({
      verdict: "pass",
      misses: [],
      flask: { requestsPerSecond: 700, p99Ms: 42 },
      fastapi: { requestsPerSecond: 1400, p99Ms: 22 },
      requestsPerSecondRatio: 2,
    });
  });

  it("names each bar FastAPI misses: fewer req/s, a higher p99", () => {
    const runs = runsOf([figures(700, 40)], [figures(650, 41)]);
    expect(compareApps(runs, 8)).toMatchObject({
      verdict: "miss",
      misses: ["FastAPI 650 req/s < Flask's 700", "FastAPI p99 41.00 ms > Flask's 40.00 ms"],
    });
  });

  it("misses on failed requests of either app, however fast", () => {
    const runs = runsOf([figures(700, 40, 3)], [figures(1400, 20)]);
    expect(compareApps(runs, 8)).toMatchObject({
      verdict: "miss",
      misses: ["flask: 3 failed requests (status >= 400 or socket errors)"],
    });
  });
});
