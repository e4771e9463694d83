import { isMeasured, type MetricsReading } from "./routeFigures";

/** How far the migration is: by endpoint group (configured routes plus every other path) and by live traffic. */
export interface Progress {
  readonly endpoints: number;
  readonly endpointsOnFastapi: number;
  /** endpointsOnFastapi / endpoints, 0..1. */
  readonly endpointShare: number;
  /** FastAPI's share of all requests per second over the window, 0..1; undefined without figures or without traffic. */
  readonly trafficShare?: number;
}

export function progressOf(weights: readonly number[], metrics: MetricsReading): Progress {
  const endpointsOnFastapi = weights.filter((weight) => weight === 100).length;
  return {
    endpoints: weights.length,
    endpointsOnFastapi,
    endpointShare: weights.length > 0 ? endpointsOnFastapi / weights.length : 0,
    trafficShare: trafficShare(metrics),
  };
}

function trafficShare(metrics: MetricsReading): number | undefined {
  if (!metrics.available) return undefined;
  const routes = Object.values(metrics.routes);
  const sum = (rates: Array<number | undefined>) => rates.filter(isMeasured).reduce((total, rate) => total + rate, 0);
  const fastapi = sum(routes.map((route) => route.fastapi.requestRate));
  const total = fastapi + sum(routes.map((route) => route.flask.requestRate));
  return total > 0 ? fastapi / total : undefined;
}

/** legacy (all Flask), canary x% (split), migrated (all FastAPI). */
export function migrationState(weight: number): string {
  if (weight === 0) return "legacy";
  return weight === 100 ? "migrated" : `canary ${weight}%`;
}
