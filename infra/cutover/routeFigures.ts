import type { BackendName } from "../routing/plan";

/**
 * What Prometheus says about one backend on one route over the gates' window. A figure is `undefined` when its series
 * is missing and NaN when Prometheus computed NaN (e.g. 0/0): both mean "no data", never zero.
 */
export interface BackendFigures {
  /** Requests per second. */
  readonly requestRate?: number;
  /** Requests served in the window (fractional: Prometheus extrapolates `increase`). */
  readonly requestsInWindow?: number;
  /** 5xx responses / all responses, 0..1. */
  readonly errorRatio?: number;
  /** 99th percentile latency in seconds; +Infinity when it lies above the largest histogram bucket. */
  readonly latencyP99Seconds?: number;
  /** Share of the route's requests this backend served, 0..1. */
  readonly observedShare?: number;
}

export interface RouteFigures extends Readonly<Record<BackendName, BackendFigures>> {
  /** Requests per second that failed on one backend and were sent to the other (failover). */
  readonly failoverRate?: number;
}

/** Figures per route id (the routing plan's ids, including the default route), or why there are none. */
export type MetricsReading =
  | { readonly available: true; readonly routes: Readonly<Record<string, RouteFigures>> }
  | { readonly available: false; readonly reason: string };

const NO_FIGURES: RouteFigures = { flask: {}, fastapi: {} };

export function figuresFor(reading: MetricsReading, routeId: string): RouteFigures {
  return (reading.available && reading.routes[routeId]) || NO_FIGURES;
}

/** True for a figure Prometheus actually measured: neither a missing series nor NaN. */
export function isMeasured(value: number | undefined): value is number {
  return value !== undefined && !Number.isNaN(value);
}
