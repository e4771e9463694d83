import { setTimeout as pause } from "node:timers/promises";
import { judgeSplit, sampleSize, type Probe, type SplitSample } from "../infra/cutover/splitCheck";
import { SERVED_BY_HEADER } from "../infra/routing/plan";
import type { RouteVerification, SplitExpectation, SplitVerification } from "./ports";

export interface ProbeOptions {
  /** Give up after this long (the rollback target is 10 s end to end; a step must be visible well within that). */
  readonly timeoutMs: number;
  /** Pause between rounds, so that a changed routing file has a moment to be picked up. */
  readonly pauseMs: number;
  /** Requests in flight at once per route. */
  readonly concurrency: number;
  readonly fetchImpl: typeof fetch;
}

const DEFAULTS: ProbeOptions = { timeoutMs: 30_000, pauseMs: 250, concurrency: 8, fetchImpl: fetch };
const REQUEST_TIMEOUT_MS = 2_000;

/**
 * Sends `count` requests like `probe` through the ingress, without cookies (so the sticky cookie never pins them) and
 * without the override header, and counts who answered by the served-by header.
 */
export async function sampleRoute(
  ingressUrl: string,
  probe: Probe,
  count: number,
  options: Pick<ProbeOptions, "concurrency" | "fetchImpl">,
): Promise<SplitSample> {
  const tally = { fastapi: 0, flask: 0, unlabelled: 0 };
  const url = new URL(probe.path, ingressUrl);
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      try {
        const response = await options.fetchImpl(url, {
          method: probe.method,
          redirect: "manual",
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await response.arrayBuffer().catch(() => undefined);
        const servedBy = response.headers.get(SERVED_BY_HEADER)?.trim().toLowerCase();
        if (servedBy === "fastapi" || servedBy === "flask") tally[servedBy]++;
        else tally.unlabelled++;
      } catch {
        tally.unlabelled++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
  return tally;
}

/**
 * Probes every route in rounds until each shows its expected split or the time is up. Routes that cannot be probed
 * are reported, not waited for.
 */
export async function verifySplit(
  ingressUrl: string,
  expectations: readonly SplitExpectation[],
  overrides: Partial<ProbeOptions> = {},
): Promise<SplitVerification> {
  const options = { ...DEFAULTS, ...overrides };
  const started = Date.now();
  const results = new Map<string, RouteVerification>(
    expectations.map((expectation) => [
      expectation.routeId,
      { routeId: expectation.routeId, expectedWeight: expectation.weight },
    ]),
  );
  let pending = expectations.filter((expectation) => expectation.probe);
  for (;;) {
    const rounds = await Promise.all(
      pending.map(async (expectation) => {
        const sample = await sampleRoute(ingressUrl, expectation.probe!, sampleSize(expectation.weight), options);
        const judgement = judgeSplit(expectation.weight, sample);
        results.set(expectation.routeId, {
          routeId: expectation.routeId,
          expectedWeight: expectation.weight,
          judgement,
        });
        return { expectation, matches: judgement.matches };
      }),
    );
    pending = rounds.filter((round) => !round.matches).map((round) => round.expectation);
    const seconds = (Date.now() - started) / 1000;
    if (pending.length === 0 || Date.now() - started >= options.timeoutMs) {
      return {
        converged: pending.length === 0,
        seconds,
        routes: expectations.map((expectation) => results.get(expectation.routeId)!),
      };
    }
    await pause(options.pauseMs);
  }
}
