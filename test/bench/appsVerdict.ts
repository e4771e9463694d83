import { APPS, type App } from "./appsStack";
import { latencyPair, medianFigures, type WrkFigures } from "./wrk";

/** Every round's figures, by app and by number of connections. */
export type AppsRuns = Record<App, Record<number, WrkFigures[]>>;

export interface AppsComparison {
  readonly connections: number;
  readonly flask: WrkFigures;
  readonly fastapi: WrkFigures;
  /** FastAPI's requests/s over Flask's. */
  readonly requestsPerSecondRatio: number;
  /** FastAPI's p99 over Flask's. */
  readonly p99Ratio: number;
  readonly verdict: "pass" | "miss";
  /** Why the verdict is a miss, a sentence each. */
  readonly misses: readonly string[];
}

export const APPS_BAR = "at each concurrency: FastAPI req/s >= Flask's, FastAPI p99 <= Flask's, no failed request";

/** The medians of the rounds at one concurrency, judged by APPS_BAR. */
export function compareApps(runs: AppsRuns, connections: number): AppsComparison {
  const medians = { flask: medianFigures(runs.flask[connections]), fastapi: medianFigures(runs.fastapi[connections]) };
  const { flask, fastapi } = medians;
  const misses = [
    ...(fastapi.requestsPerSecond < flask.requestsPerSecond
      ? [`FastAPI ${fastapi.requestsPerSecond.toFixed(0)} req/s < Flask's ${flask.requestsPerSecond.toFixed(0)}`]
      : []),
    ...(fastapi.p99Ms > flask.p99Ms
      ? [`FastAPI p99 ${fastapi.p99Ms.toFixed(2)} ms > Flask's ${flask.p99Ms.toFixed(2)} ms`]
      : []),
    ...APPS.filter((app) => medians[app].failed > 0).map(
      (app) => `${app}: ${medians[app].failed} failed requests (status >= 400 or socket errors)`,
    ),
  ];
  return {
    connections,
    flask,
    fastapi,
    requestsPerSecondRatio: fastapi.requestsPerSecond / flask.requestsPerSecond,
    p99Ratio: fastapi.p99Ms / flask.p99Ms,
    verdict: misses.length === 0 ? "pass" : "miss",
    misses,
  };
}

/** The printed table: one line per concurrency, Flask and FastAPI side by side, with the verdict. */
export function appsTable(comparisons: readonly AppsComparison[]): string[] {
  return [
    "connections  flask req/s  fastapi req/s  ratio  flask p50/p99 ms  fastapi p50/p99 ms  verdict",
    ...comparisons.map((comparison) =>
      [
        String(comparison.connections).padStart(11),
        comparison.flask.requestsPerSecond.toFixed(0).padStart(11),
        comparison.fastapi.requestsPerSecond.toFixed(0).padStart(13),
        comparison.requestsPerSecondRatio.toFixed(2).padStart(5),
        latencyPair(comparison.flask).padStart(16),
        latencyPair(comparison.fastapi).padStart(18),
        comparison.verdict,
      ].join("  "),
    ),
  ];
}
