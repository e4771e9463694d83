import { formatDuration } from "./duration";
import { describeFlaskBackup } from "./flaskBackup";
import { formatLatency, formatRate, formatRatio, formatShare } from "./figureFormat";
import type { Progress } from "./progress";
import type { RouteStatus, StackStatus } from "./routeStatus";
import { formatTable } from "./textTable";

export function formatWeight(route: RouteStatus): string {
  return route.deployedWeight === undefined || route.deployedWeight === route.configuredWeight
    ? `${route.configuredWeight}%`
    : `${route.configuredWeight}% (deployed ${route.deployedWeight}%)`;
}

export function formatSinceLastStep(route: RouteStatus): string {
  return route.secondsSinceLastStep === undefined
    ? "unknown"
    : `${formatDuration(route.secondsSinceLastStep * 1000)} ago`;
}

const pair = (flask: string, fastapi: string) => `${flask} / ${fastapi}`;

export function formatProgress(progress: Progress, window: string): string {
  const endpoints = `${progress.endpointsOnFastapi} of ${progress.endpoints} endpoint groups fully on FastAPI (${formatShare(progress.endpointShare)})`;
  const traffic =
    progress.trafficShare === undefined
      ? "FastAPI's share of traffic: no data"
      : `FastAPI served ${formatShare(progress.trafficShare)} of all requests in the last ${window}`;
  return `${endpoints}; ${traffic}`;
}

/** The human form of `status`: one row per route, Flask / FastAPI side by side, then overall progress. */
export function renderStatus(status: StackStatus): string {
  const rows = status.routes.map((route) => [
    route.id,
    route.matches,
    formatWeight(route),
    formatShare(route.fastapi.observedShare),
    pair(formatRate(route.flask.requestRate), formatRate(route.fastapi.requestRate)),
    pair(formatRatio(route.flask.errorRatio), formatRatio(route.fastapi.errorRatio)),
    pair(formatLatency(route.flask.latencyP99Seconds), formatLatency(route.fastapi.latencyP99Seconds)),
    formatRate(route.failoverRate),
    formatSinceLastStep(route),
  ]);
  const header = [
    "ROUTE",
    "MATCHES",
    "WEIGHT",
    "OBSERVED",
    "REQ/S flask / fastapi",
    "5XX flask / fastapi",
    "P99 flask / fastapi",
    "FAILOVER/S",
    "LAST STEP",
  ];
  const figures = status.metrics.available
    ? `figures over the last ${status.window}`
    : `no figures: ${status.metrics.reason}`;
  return [
    `Stack ${status.stack}: FastAPI weight and observed FastAPI share per route; ${figures}`,
    "",
    formatTable(header, rows),
    "",
    formatProgress(status.progress, status.window),
    describeFlaskBackup(status.flaskBackup, new Date(status.generatedAt)),
  ].join("\n");
}
