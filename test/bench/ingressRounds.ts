import { cpuPerRequest, type IngressRuns, type RunCpu } from "./ingressVerdict";
import { wrk, type WrkFigures } from "./wrk";

/**
 * What every row of the ingress section measures once its stack is up, whatever the target: wrk straight to the one
 * FastAPI replica and through the ingress to the same replica, with the same settings, alternating the two so both
 * see the same machine noise. Around each throughput run through the ingress, the CPU time the ingress and the replica
 * used is read from their cgroups, for the CPU each spends per request. Where a row has a bare ingress of its flavour
 * beside the stack's (bareIngress.ts), each round also runs through it, for the floor under the ingress's figure.
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
  /** A bare ingress of the same flavour to the same replica, and the clock of its CPU microseconds. */
  readonly bare?: { readonly url: string; readonly cpuClock: () => number };
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

/** A throughput run through an ingress, with the CPU that ingress and the app used over it. */
function throughputWithCpu(url: string, ingressClock: () => number, appClock: () => number) {
  const before = { ingress: ingressClock(), app: appClock() };
  const figures = measure(url, THROUGHPUT);
  const after = { ingress: ingressClock(), app: appClock() };
  const cpu: RunCpu = {
    ingressUsec: after.ingress - before.ingress,
    appUsec: after.app - before.app,
    // wrk's req/s is its count of completed requests over its own duration, which is SECONDS_PER_RUN to within the
    // join of its threads: this is that count back.
    requests: Math.round(figures.requestsPerSecond * SECONDS_PER_RUN),
  };
  return { figures, cpu };
}

const cpuLine = (cpu: RunCpu) => {
  const perRequest = cpuPerRequest(cpu);
  return `${perRequest.ingressUs.toFixed(1)} µs ingress, ${perRequest.appUs.toFixed(1)} µs app`;
};

/** Every round of one row (`row` names it in the progress lines), after a warm-up through the ingress. */
export function measureIngressRounds(
  row: string,
  { directUrl, ingressUrl, cpuClocks, bare }: IngressPaths,
): IngressRuns {
  measure(ingressUrl, THROUGHPUT); // warm-up: connection pools, caches
  if (bare) measure(bare.url, THROUGHPUT);
  const runs = {
    directThroughput: [] as WrkFigures[],
    ingressThroughput: [] as WrkFigures[],
    ingressThroughputCpu: [] as RunCpu[],
    directLatency: [] as WrkFigures[],
    ingressLatency: [] as WrkFigures[],
  };
  const bareRuns = { throughput: [] as WrkFigures[], cpu: [] as RunCpu[] };
  for (let round = 1; round <= ROUNDS; round++) {
    const direct = measure(directUrl, THROUGHPUT);
    runs.directThroughput.push(direct);
    const through = throughputWithCpu(ingressUrl, cpuClocks.ingress, cpuClocks.app);
    runs.ingressThroughput.push(through.figures);
    runs.ingressThroughputCpu.push(through.cpu);
    const floor = bare && throughputWithCpu(bare.url, bare.cpuClock, cpuClocks.app);
    if (floor) {
      bareRuns.throughput.push(floor.figures);
      bareRuns.cpu.push(floor.cpu);
    }
    runs.directLatency.push(measure(directUrl, LATENCY));
    runs.ingressLatency.push(measure(ingressUrl, LATENCY));
    console.log(
      `  ${row} round ${round}/${ROUNDS}: direct ${direct.requestsPerSecond.toFixed(0)} req/s, through the ingress ${through.figures.requestsPerSecond.toFixed(0)} req/s; CPU per request ${cpuLine(through.cpu)}${floor ? `; bare ingress ${floor.figures.requestsPerSecond.toFixed(0)} req/s, ${cpuLine(floor.cpu)}` : ""}`,
    );
  }
  return bare ? { ...runs, bare: bareRuns } : runs;
}
