import type { PlatformConfig } from "../config/schema";
import type { BackendName } from "../routing/plan";
import { formatDuration, parseDuration } from "./duration";
import { formatLatency, formatRatio } from "./figureFormat";
import type { WeightChange } from "./nextStep";
import { figuresFor, isMeasured, type BackendFigures, type MetricsReading } from "./routeFigures";

const GATE_NAMES = ["traffic", "errorRatio", "latencyP99", "bakeTime", "maxStep"] as const;
export type GateName = (typeof GATE_NAMES)[number];
export type GateOutcome = "pass" | "fail" | "inconclusive";

/** One gate judged for one route's step; the reason names the figures and the threshold it was judged against. */
export interface GateResult {
  readonly gate: GateName;
  readonly routeId: string;
  readonly outcome: GateOutcome;
  readonly reason: string;
}

/** `migration:gates` plus the stage's maxStep: everything a step is judged against. */
export interface GateSettings {
  readonly errorRatioMargin: number;
  readonly latencyP99Multiple: number;
  readonly minRequests: number;
  readonly window: string;
  readonly bakeTime: string;
  readonly maxStep: number;
}

export function gateSettings(config: PlatformConfig): GateSettings {
  return { ...config.gates, maxStep: config.maxStep };
}

export interface StepUnderReview {
  readonly change: WeightChange;
  readonly metrics: MetricsReading;
  /** When the route's weight last changed in a successful update; undefined when the history does not say. */
  readonly lastStepAt?: Date;
  readonly now: Date;
}

// A figure exactly at its threshold passes; without this slack binary floating point would fail some of them
// (0.06 + 0.01 is 0.06999999999999999, below a measured 0.07).
const TOLERANCE = 1e-9;

type Judgement = Omit<GateResult, "gate" | "routeId">;
const pass = (reason: string): Judgement => ({ outcome: "pass", reason });
const fail = (reason: string): Judgement => ({ outcome: "fail", reason });
const inconclusive = (reason: string): Judgement => ({ outcome: "inconclusive", reason });

const LABEL: Record<BackendName, string> = { flask: "Flask", fastapi: "FastAPI" };
const requests = (count: number) => String(Math.round(count));

/** Every gate for one route's step, in a fixed order: traffic, errorRatio, latencyP99, bakeTime, maxStep. */
export function evaluateGates(step: StepUnderReview, settings: GateSettings): GateResult[] {
  const routeId = step.change.target.id;
  const metricGates = step.metrics.available
    ? judgeMetrics(step.metrics, routeId, settings)
    : metricsUnavailable(step.metrics.reason);
  const judgements: Record<GateName, Judgement> = {
    ...metricGates,
    bakeTime: judgeBakeTime(step, settings),
    maxStep: judgeMaxStep(step.change, settings),
  };
  return GATE_NAMES.map((gate) => ({ gate, routeId, ...judgements[gate] }));
}

type MetricGate = "traffic" | "errorRatio" | "latencyP99";

function metricsUnavailable(reason: string): Record<MetricGate, Judgement> {
  return { traffic: inconclusive(reason), errorRatio: inconclusive(reason), latencyP99: inconclusive(reason) };
}

function judgeMetrics(metrics: MetricsReading, routeId: string, settings: GateSettings): Record<MetricGate, Judgement> {
  const figures = figuresFor(metrics, routeId);
  const traffic = judgeTraffic(figures.flask, figures.fastapi, settings);
  if (traffic.outcome !== "pass") {
    // Below minRequests a handful of slow or failed requests would decide the step: the comparisons wait for data.
    const notJudged = inconclusive(
      `not judged: too few requests in the last ${settings.window} (see the traffic gate)`,
    );
    return { traffic, errorRatio: notJudged, latencyP99: notJudged };
  }
  return {
    traffic,
    errorRatio: judgeErrorRatio(figures.flask, figures.fastapi, settings),
    latencyP99: judgeLatency(figures.flask, figures.fastapi, settings),
  };
}

function judgeTraffic(
  flask: BackendFigures,
  fastapi: BackendFigures,
  { minRequests, window }: GateSettings,
): Judgement {
  const figures: Record<BackendName, BackendFigures> = { flask, fastapi };
  const unmeasured = (["flask", "fastapi"] as const).filter(
    (backend) => !isMeasured(figures[backend].requestsInWindow),
  );
  if (unmeasured.length > 0) {
    return inconclusive(
      `no data: no request count for ${unmeasured.map((backend) => LABEL[backend]).join(" or ")} on this route in the last ${window}`,
    );
  }
  const served = `Flask served ${requests(flask.requestsInWindow!)} and FastAPI ${requests(fastapi.requestsInWindow!)} requests in the last ${window}`;
  if (flask.requestsInWindow! < minRequests || fastapi.requestsInWindow! < minRequests) {
    return inconclusive(`${served}; at least ${minRequests} each are needed to judge`);
  }
  return pass(`${served} (at least ${minRequests} each)`);
}

function judgeErrorRatio(
  flask: BackendFigures,
  fastapi: BackendFigures,
  { errorRatioMargin, window }: GateSettings,
): Judgement {
  if (!isMeasured(flask.errorRatio) || !isMeasured(fastapi.errorRatio)) {
    return inconclusive(
      `no data: the 5xx ratio of ${!isMeasured(flask.errorRatio) ? "Flask" : "FastAPI"} over the last ${window} is unknown`,
    );
  }
  const limit = flask.errorRatio + errorRatioMargin;
  const comparison = `Flask's ${formatRatio(flask.errorRatio)} + margin ${(errorRatioMargin * 100).toFixed(2)} pp (at most ${formatRatio(limit)})`;
  return fastapi.errorRatio <= limit + TOLERANCE
    ? pass(`FastAPI 5xx ratio ${formatRatio(fastapi.errorRatio)} is within ${comparison}`)
    : fail(`FastAPI 5xx ratio ${formatRatio(fastapi.errorRatio)} exceeds ${comparison}`);
}

function judgeLatency(
  flask: BackendFigures,
  fastapi: BackendFigures,
  { latencyP99Multiple, window }: GateSettings,
): Judgement {
  if (!isMeasured(flask.latencyP99Seconds) || !isMeasured(fastapi.latencyP99Seconds)) {
    return inconclusive(
      `no data: the p99 latency of ${!isMeasured(flask.latencyP99Seconds) ? "Flask" : "FastAPI"} over the last ${window} is unknown`,
    );
  }
  if (flask.latencyP99Seconds === Infinity) {
    return inconclusive(
      "Flask's p99 lies above the largest histogram bucket, so there is no threshold to compare with",
    );
  }
  const limit = flask.latencyP99Seconds * latencyP99Multiple;
  const comparison = `${latencyP99Multiple} × Flask's ${formatLatency(flask.latencyP99Seconds)} (at most ${formatLatency(limit)})`;
  if (fastapi.latencyP99Seconds === Infinity)
    return fail(`FastAPI p99 lies above the largest histogram bucket; the limit is ${comparison}`);
  return fastapi.latencyP99Seconds <= limit + TOLERANCE
    ? pass(`FastAPI p99 ${formatLatency(fastapi.latencyP99Seconds)} is within ${comparison}`)
    : fail(`FastAPI p99 ${formatLatency(fastapi.latencyP99Seconds)} exceeds ${comparison}`);
}

function judgeBakeTime({ lastStepAt, now }: StepUnderReview, { bakeTime }: GateSettings): Judgement {
  if (!lastStepAt)
    return inconclusive("the stack's update history shows no successful update that set this route's weight");
  const elapsed = now.getTime() - lastStepAt.getTime();
  const required = parseDuration(bakeTime);
  return elapsed >= required
    ? pass(`last step ${formatDuration(elapsed)} ago; bake time is ${bakeTime}`)
    : fail(
        `last step ${formatDuration(elapsed)} ago; bake time is ${bakeTime} (${formatDuration(required - elapsed)} to go)`,
      );
}

function judgeMaxStep({ from, to }: WeightChange, { maxStep }: GateSettings): Judgement {
  const rise = to - from;
  return rise <= maxStep
    ? pass(`${from}% → ${to}% is a step of ${rise} points; maxStep is ${maxStep}`)
    : fail(`${from}% → ${to}% is a step of ${rise} points; maxStep is ${maxStep} (at most ${from + maxStep}%)`);
}
