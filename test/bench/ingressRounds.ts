import { cpuPerRequest, type IngressRuns, type RunCpu } from "./ingressVerdict";
import { wrk, type WrkFigures } from "./wrk";

/**
 * What every row of the ingress section measures once its stack is up, whatever the target: wrk straight to the one
 * FastAPI replica and through the ingress to the same replica, with the same settings, alternating the two so both
 * see the same machine noise. Around each throughput run through the ingress, the CPU time the ingress and the replica
 * used is read from their cgroups, for the CPU each spends per request.
 */
/** Throughput: enough keep-alive connections to saturate the app. */
export const THROUGHPUT = { threads: 2, connections: 16 };
/** Latency: one request at a time, so no queueing hides or inflates what the hop itself adds. */
export const LATENCY = { threads: 1, connections: 1 };
export const SECONDS_PER_RUN = 10;
export const ROUNDS = 3;

/** Where a row's two paths lead, and the clocks of the CPU microseconds the ingress and the replica have used. */
export interface IngressPaths {
  /** Straight to the FastAPI replica. */
  readonly directUrl: string;
  /** Through the ingress, to the same replica. */
  readonly ingressUrl: string;
  readonly cpuClocks: { readonly ingress: () => number; readonly app: () => number };
}

const measure = (url: string, load: { threads: number; connections: number }) =>
  wrk({ url, ...load, seconds: SECONDS_PER_RUN });

/** The path of a user created through the ingress at `ingressBaseUrl`: every request then reads a real row. */
export async function benchUserPath(ingressBaseUrl: string): Promise<string> {
  const created = await fetch(`${ingressBaseUrl}/api/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `bench-${Date.now()}@bench.test`, name: "Bench" }),
  });
  if (created.status !== 201)
    throw new Error(`could not create the benchmark's user: ${created.status} ${await created.text()}`);
  return `/api/users/${((await created.json()) as { id: number }).id}`;
}

/** Every round of one row (`row` names it in the progress lines), after a warm-up through the ingress. */
export function measureIngressRounds(row: string, { directUrl, ingressUrl, cpuClocks }: IngressPaths): IngressRuns {
  measure(ingressUrl, THROUGHPUT); // warm-up: connection pools, caches
  const runs = {
    directThroughput: [] as WrkFigures[],
    ingressThroughput: [] as WrkFigures[],
    ingressThroughputCpu: [] as RunCpu[],
    directLatency: [] as WrkFigures[],
    ingressLatency: [] as WrkFigures[],
  };
  for (let round = 1; round <= ROUNDS; round++) {
    const direct = measure(directUrl, THROUGHPUT);
    runs.directThroughput.push(direct);
    const before = { ingress: cpuClocks.ingress(), app: cpuClocks.app() };
    const through = measure(ingressUrl, THROUGHPUT);
    const after = { ingress: cpuClocks.ingress(), app: cpuClocks.app() };
    runs.ingressThroughput.push(through);
    const runCpu = {
      ingressUsec: after.ingress - before.ingress,
      appUsec: after.app - before.app,
      // wrk's req/s is its count of completed requests over its own duration, which is SECONDS_PER_RUN to within
      // the join of its threads: this is that count back.
      requests: Math.round(through.requestsPerSecond * SECONDS_PER_RUN),
    };
    runs.ingressThroughputCpu.push(runCpu);
    runs.directLatency.push(measure(directUrl, LATENCY));
    runs.ingressLatency.push(measure(ingressUrl, LATENCY));
    const cpu = cpuPerRequest(runCpu);
    console.log(
      `  ${row} round ${round}/${ROUNDS}: direct ${direct.requestsPerSecond.toFixed(0)} req/s, through the ingress ${through.requestsPerSecond.toFixed(0)} req/s; CPU per request ${cpu.ingressUs.toFixed(1)} µs ingress, ${cpu.appUs.toFixed(1)} µs app`,
    );
  }
  return runs;
}
