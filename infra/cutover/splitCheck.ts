import { HTTP_METHODS, type HttpMethod } from "../config/schema";
import { matchingRouteIndex } from "../routing/matching";
import { APP_HEALTH_PATH } from "../routing/plan";
import { routesOf, type MigrationMap, type Route } from "../routing/route";
import { DEFAULT_ROUTE_ID } from "../routing/routeIds";

/** A request that the ingress routes by the weight of one particular route. */
export interface Probe {
  readonly path: string;
  readonly method: HttpMethod;
}

const SAFE_METHODS: readonly HttpMethod[] = ["GET", "HEAD", "OPTIONS"];
const PROBE_SEGMENT = "cutover-probe";

/**
 * A request the route (and no route before it) takes, without writing anything: a safe method on the route's own
 * path when it has one; otherwise its method on a made-up resource below the path (`POST /api/orders/cutover-probe`),
 * which an app answers with 404/405/422 but never a write. For the default route: a path no route takes, the apps'
 * health path first. Undefined when no request can reach the route (earlier routes take all of it).
 */
export function probeFor(map: MigrationMap, routeId: string): Probe | undefined {
  const routes = routesOf(map);
  const index = routes.findIndex((route) => route.id === routeId);
  if (index < 0) return undefined;
  const route = routes[index];
  const allowed = route.methods ?? HTTP_METHODS;
  const methods = [
    ...SAFE_METHODS.filter((method) => allowed.includes(method)),
    ...allowed.filter((method) => !SAFE_METHODS.includes(method)),
  ];
  const expectedIndex = routeId === DEFAULT_ROUTE_ID ? -1 : index;
  const candidates = methods.flatMap((method) =>
    candidatePaths(route, SAFE_METHODS.includes(method)).map((path) => ({ path, method })),
  );
  return candidates.find((probe) => matchingRouteIndex(map.routes, probe.path, probe.method) === expectedIndex);
}

function candidatePaths(route: Route, safe: boolean): string[] {
  if (route.id === DEFAULT_ROUTE_ID) return safe ? [APP_HEALTH_PATH, "/", `/${PROBE_SEGMENT}`] : [`/${PROBE_SEGMENT}`];
  const below = `${route.path.replace(/\/+$/, "")}/${PROBE_SEGMENT}`;
  return safe ? [route.path, below] : [below];
}

/** Responses by the backend their served-by header names; `unlabelled` counts failures and responses without it. */
export interface SplitSample {
  readonly fastapi: number;
  readonly flask: number;
  readonly unlabelled: number;
}

export interface SplitJudgement {
  readonly matches: boolean;
  /** FastAPI's share of the labelled responses, 0..100; undefined when none was labelled. */
  readonly observedWeight?: number;
  /** Largest accepted distance from the expected weight, in percentage points (0 for 0 and 100). */
  readonly tolerance: number;
  readonly summary: string;
}

/** Requests per verification round: at 0 or 100 every response must match, so fewer suffice than for a split. */
export function sampleSize(expectedWeight: number): number {
  return expectedWeight === 0 || expectedWeight === 100 ? 50 : 400;
}

/**
 * Whether the ingress now serves the expected split. At 0 and 100 every response must come from the one backend.
 * For a split the probe's requests are interleaved with live traffic in the weighted round robin, so the observed share
 * varies like a sample: it must lie within three standard errors (at least 2 points) of the weight; at 400 requests
 * that tells 5% from 10% and 25% from 50%.
 */
export function judgeSplit(expectedWeight: number, sample: SplitSample): SplitJudgement {
  const labelled = sample.fastapi + sample.flask;
  const observedWeight = labelled > 0 ? (sample.fastapi / labelled) * 100 : undefined;
  const exact = expectedWeight === 0 || expectedWeight === 100;
  const tolerance = exact
    ? 0
    : Math.max(2, 3 * Math.sqrt((expectedWeight * (100 - expectedWeight)) / Math.max(labelled, 1)));
  const counts = `${sample.fastapi} FastAPI, ${sample.flask} Flask, ${sample.unlabelled} failed or unlabelled`;
  const matches =
    sample.unlabelled === 0 && observedWeight !== undefined && Math.abs(observedWeight - expectedWeight) <= tolerance;
  const observed = observedWeight === undefined ? "no labelled response" : `${observedWeight.toFixed(1)}% FastAPI`;
  return {
    matches,
    observedWeight,
    tolerance,
    summary: `${observed} (${counts}); expected ${expectedWeight}%${exact ? " exactly" : ` ± ${tolerance.toFixed(1)}`}`,
  };
}
