/** One response seen by the load generator: when it arrived and which backend served it. */
export interface ObservedResponse {
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** "fastapi" or "flask" (the X-App-Backend header), or undefined when the request failed. */
  readonly backend: string | undefined;
}

/** Responses per rolling window when judging a split (about a second of one route's traffic in the e2e load). */
export const SPLIT_WINDOW = 40;

/**
 * When the traffic of one route settled on a new weight, in milliseconds since the epoch, or undefined when it never
 * did within the responses given. For 0 and 100 the split is exact: settled after the last response from the wrong
 * backend. For a split, settled at the end of the first rolling window of `SPLIT_WINDOW` responses from which on every
 * window's FastAPI share stays nearer the new weight than the old one. Conservative on purpose: the end of a window,
 * not its start.
 */
export function settledAt(
  responses: readonly ObservedResponse[],
  fromWeight: number,
  toWeight: number,
  since: number,
): number | undefined {
  const served = responses.filter((response) => response.at >= since && response.backend !== undefined);
  if (toWeight === 0 || toWeight === 100) {
    const wrong = toWeight === 100 ? "flask" : "fastapi";
    const wrongTimes = served.filter((response) => response.backend === wrong).map((response) => response.at);
    return wrongTimes.reduce((latest, at) => Math.max(latest, at), since);
  }
  if (served.length < SPLIT_WINDOW) return undefined;
  const tolerance = Math.abs(toWeight - fromWeight) / 2;
  let settled: number | undefined;
  let fastapiInWindow = 0;
  for (let index = 0; index < served.length; index++) {
    if (served[index].backend === "fastapi") fastapiInWindow++;
    if (index >= SPLIT_WINDOW && served[index - SPLIT_WINDOW].backend === "fastapi") fastapiInWindow--;
    if (index < SPLIT_WINDOW - 1) continue;
    const share = (100 * fastapiInWindow) / SPLIT_WINDOW;
    const near = Math.abs(share - toWeight) < tolerance;
    if (!near) settled = undefined;
    else if (settled === undefined) settled = served[index].at;
  }
  return settled;
}

/** Seconds from `pulumi up` returning until the route settled: 0 when it settled before, undefined when never. */
export function convergeSeconds(settled: number | undefined, upReturnedAt: number): number | undefined {
  if (settled === undefined) return undefined;
  return Math.max(0, settled - upReturnedAt) / 1000;
}
