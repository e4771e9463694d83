import { describe, expect, it } from "vitest";
import { evaluateGates, type GateResult, type GateSettings } from "../../infra/cutover/gates";
import type { WeightChange } from "../../infra/cutover/nextStep";
import type { BackendFigures, MetricsReading } from "../../infra/cutover/routeFigures";
import { decideVerdict } from "../../infra/cutover/verdict";

const settings: GateSettings = {
  errorRatioMargin: 0.01,
  latencyP99Multiple: 1.5,
  minRequests: 100,
  window: "5m",
  bakeTime: "10m",
  maxStep: 50,
};
const now = new Date("2030-01-01T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const change: WeightChange = {
  target: {
    id: "api-users-get",
    path: "/api/users",
    methods: ["GET"],
    weight: 10,
    configPath: ["routes", 0, "weight"],
  },
  from: 10,
  to: 50,
};

const healthy: BackendFigures = {
  requestRate: 10,
  requestsInWindow: 3000,
  errorRatio: 0.002,
  latencyP99Seconds: 0.15,
  observedShare: 0.9,
};
const reading = (flask: BackendFigures, fastapi: BackendFigures): MetricsReading => ({
  available: true,
  routes: { "api-users-get": { flask, fastapi } },
});

function gates(
  metrics: MetricsReading,
  overrides: { lastStepAt?: Date; change?: WeightChange } = {},
): Record<string, GateResult> {
  const results = evaluateGates(
    {
      change: overrides.change ?? change,
      metrics,
      lastStepAt: "lastStepAt" in overrides ? overrides.lastStepAt : minutesAgo(30),
      now,
    },
    settings,
  );
  return Object.fromEntries(results.map((result) => [result.gate, result]));
}
const outcomes = (results: Record<string, GateResult>) =>
  Object.fromEntries(Object.entries(results).map(([gate, result]) => [gate, result.outcome]));

describe("the gates of one step", () => {
  it("all pass on enough healthy traffic after the bake time, within maxStep, each naming figures and thresholds", () => {
    const results = gates(reading(healthy, { ...healthy, errorRatio: 0.005, latencyP99Seconds: 0.18 }));
    expect(outcomes(results)).toEqual({
      traffic: "pass",
      errorRatio: "pass",
      latencyP99: "pass",
      bakeTime: "pass",
      maxStep: "pass",
    });
    expect(results.traffic.reason).toBe(
      "Flask served 3000 and FastAPI 3000 requests in the last 5m (at least 100 each)",
    );
    expect(results.errorRatio.reason).toBe(
      "FastAPI 5xx ratio 0.50% is within Flask's 0.20% + margin 1.00 pp (at most 1.20%)",
    );
    expect(results.latencyP99.reason).toBe("FastAPI p99 180 ms is within 1.5 × Flask's 150 ms (at most 225 ms)");
    expect(results.bakeTime.reason).toBe("last step 30m 00s ago; bake time is 10m");
    expect(results.maxStep.reason).toBe("10% → 50% is a step of 40 points; maxStep is 50");
  });

  it("are inconclusive, never pass, when the series are missing", () => {
    const results = gates({ available: true, routes: {} });
    expect(outcomes(results)).toMatchObject({
      traffic: "inconclusive",
      errorRatio: "inconclusive",
      latencyP99: "inconclusive",
    });
    expect(results.traffic.reason).toBe("no data: no request count for Flask or FastAPI on this route in the last 5m");
    expect(results.errorRatio.reason).toBe("not judged: too few requests in the last 5m (see the traffic gate)");
  });

  it("treat NaN as no data", () => {
    expect(gates(reading(healthy, { ...healthy, requestsInWindow: NaN })).traffic).toMatchObject({
      outcome: "inconclusive",
      reason: "no data: no request count for FastAPI on this route in the last 5m",
    });
    expect(gates(reading({ ...healthy, errorRatio: NaN }, healthy)).errorRatio).toEqual({
      gate: "errorRatio",
      routeId: "api-users-get",
      outcome: "inconclusive",
      reason: "no data: the 5xx ratio of Flask over the last 5m is unknown",
    });
    expect(gates(reading(healthy, { ...healthy, latencyP99Seconds: NaN })).latencyP99.reason).toBe(
      "no data: the p99 latency of FastAPI over the last 5m is unknown",
    );
  });

  it("do not judge a tiny window, even when its few requests all failed", () => {
    const results = gates(reading(healthy, { requestsInWindow: 3, errorRatio: 1, latencyP99Seconds: 9 }));
    expect(outcomes(results)).toMatchObject({
      traffic: "inconclusive",
      errorRatio: "inconclusive",
      latencyP99: "inconclusive",
    });
    expect(results.traffic.reason).toBe(
      "Flask served 3000 and FastAPI 3 requests in the last 5m; at least 100 each are needed to judge",
    );
  });

  it("judge a window of exactly minRequests", () => {
    expect(
      gates(reading({ ...healthy, requestsInWindow: 100 }, { ...healthy, requestsInWindow: 100 })).traffic.outcome,
    ).toBe("pass");
    expect(
      gates(reading({ ...healthy, requestsInWindow: 99.6 }, { ...healthy, requestsInWindow: 100 })).traffic.outcome,
    ).toBe("inconclusive");
  });

  it("pass a FastAPI error ratio exactly at Flask's plus the margin, and fail one just above", () => {
    expect(gates(reading({ ...healthy, errorRatio: 0.06 }, { ...healthy, errorRatio: 0.07 })).errorRatio.outcome).toBe(
      "pass",
    );
    expect(
      gates(reading({ ...healthy, errorRatio: 0.06 }, { ...healthy, errorRatio: 0.0701 })).errorRatio,
    ).toMatchObject({
      outcome: "fail",
      reason: "FastAPI 5xx ratio 7.01% exceeds Flask's 6.00% + margin 1.00 pp (at most 7.00%)",
    });
  });

  it("pass a FastAPI that does better than Flask", () => {
    const results = gates(
      reading(
        { ...healthy, errorRatio: 0.05, latencyP99Seconds: 0.4 },
        { ...healthy, errorRatio: 0, latencyP99Seconds: 0.02 },
      ),
    );
    expect(outcomes(results)).toMatchObject({ errorRatio: "pass", latencyP99: "pass" });
  });

  it("pass a p99 exactly at the multiple and fail a worse one", () => {
    expect(
      gates(reading({ ...healthy, latencyP99Seconds: 0.2 }, { ...healthy, latencyP99Seconds: 0.3 })).latencyP99.outcome,
    ).toBe("pass");
    expect(
      gates(reading({ ...healthy, latencyP99Seconds: 0.2 }, { ...healthy, latencyP99Seconds: 0.31 })).latencyP99,
    ).toMatchObject({
      outcome: "fail",
      reason: "FastAPI p99 310 ms exceeds 1.5 × Flask's 200 ms (at most 300 ms)",
    });
  });

  it("fail a FastAPI p99 above the largest histogram bucket, and cannot compare when Flask's is", () => {
    expect(gates(reading(healthy, { ...healthy, latencyP99Seconds: Infinity })).latencyP99).toMatchObject({
      outcome: "fail",
      reason: "FastAPI p99 lies above the largest histogram bucket; the limit is 1.5 × Flask's 150 ms (at most 225 ms)",
    });
    expect(gates(reading({ ...healthy, latencyP99Seconds: Infinity }, healthy)).latencyP99.outcome).toBe(
      "inconclusive",
    );
  });

  it("fail while the bake time has not elapsed, saying how long is left", () => {
    expect(gates(reading(healthy, healthy), { lastStepAt: minutesAgo(4) }).bakeTime).toMatchObject({
      outcome: "fail",
      reason: "last step 4m 00s ago; bake time is 10m (6m 00s to go)",
    });
    expect(gates(reading(healthy, healthy), { lastStepAt: minutesAgo(10) }).bakeTime.outcome).toBe("pass");
  });

  it("are inconclusive about the bake time when the history does not show the last step", () => {
    expect(gates(reading(healthy, healthy), { lastStepAt: undefined }).bakeTime).toMatchObject({
      outcome: "inconclusive",
      reason: "the stack's update history shows no successful update that set this route's weight",
    });
  });

  it("fail a step above maxStep", () => {
    expect(gates(reading(healthy, healthy), { change: { ...change, to: 61 } }).maxStep).toMatchObject({
      outcome: "fail",
      reason: "10% → 61% is a step of 51 points; maxStep is 50 (at most 60%)",
    });
  });

  it("name the unreachable Prometheus in every metric gate", () => {
    const reason = "Prometheus at http://127.0.0.1:9090 is unreachable (ECONNREFUSED)";
    const results = gates({ available: false, reason });
    expect(
      [results.traffic, results.errorRatio, results.latencyP99].map((result) => [result.outcome, result.reason]),
    ).toEqual([
      ["inconclusive", reason],
      ["inconclusive", reason],
      ["inconclusive", reason],
    ]);
  });
});

describe("the verdict", () => {
  const passing = evaluateGates(
    { change, metrics: reading(healthy, healthy), lastStepAt: minutesAgo(30), now },
    settings,
  );
  const unbaked = evaluateGates(
    { change, metrics: reading(healthy, healthy), lastStepAt: minutesAgo(1), now },
    settings,
  );
  const noData = evaluateGates(
    { change, metrics: { available: true, routes: {} }, lastStepAt: minutesAgo(30), now },
    settings,
  );

  it("advances only when every gate passes", () => {
    expect(decideVerdict(passing).decision).toBe("advance");
    expect(decideVerdict(noData)).toMatchObject({
      decision: "refused",
      explanation: '3 gates did not pass; wait and try again, or override with --force --reason "..."',
    });
    expect(decideVerdict(unbaked).decision).toBe("refused");
  });

  it("is forced past failing and inconclusive gates with a reason, and lists what it overrode", () => {
    const verdict = decideVerdict([...unbaked, ...noData], { reason: "load test passed in staging" });
    expect(verdict).toMatchObject({ decision: "forced", reason: "load test passed in staging" });
    expect(verdict.decision === "forced" && verdict.overridden.map((gate) => gate.gate)).toEqual([
      "bakeTime",
      "traffic",
      "errorRatio",
      "latencyP99",
    ]);
  });

  it("cannot be forced past maxStep", () => {
    const tooFar = evaluateGates(
      { change: { ...change, to: 100 }, metrics: reading(healthy, healthy), lastStepAt: minutesAgo(30), now },
      settings,
    );
    expect(decideVerdict(tooFar, { reason: "hurry" })).toMatchObject({
      decision: "refused",
      explanation:
        "--force cannot override maxStep: the platform program refuses a step larger than maxStep; advance in smaller steps",
    });
  });
});
