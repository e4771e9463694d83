import { BARS } from "../e2e/bars";
import type { Target } from "../e2e/journeys";
import type { CpuPlacement } from "./cpuPlacement";
import { median } from "./median";
import { medianFigures, type WrkFigures } from "./wrk";

/** The CPU time the ingress and the FastAPI replica each used over one throughput run through the ingress. */
export interface RunCpu {
  readonly ingressUsec: number;
  readonly appUsec: number;
  /** The requests wrk completed in that run. */
  readonly requests: number;
}

export interface CpuPerRequest {
  readonly ingressUs: number;
  readonly appUs: number;
  /** The ingress's CPU per request over the app's: what the hop costs next to the work it fronts. */
  readonly ingressShare: number;
}

export function cpuPerRequest({ ingressUsec, appUsec, requests }: RunCpu): CpuPerRequest {
  if (requests <= 0) throw new Error(`a throughput run completed ${requests} requests: no CPU per request to compute`);
  if (appUsec <= 0)
    throw new Error(`the app used ${appUsec} µs of CPU over ${requests} requests: its CPU accounting is not counting`);
  return { ingressUs: ingressUsec / requests, appUs: appUsec / requests, ingressShare: ingressUsec / appUsec };
}

/**
 * Throughput runs through a bare ingress of the row's flavour to the same replica (bareIngress.ts), one per round, each
 * with the CPU the bare ingress and the replica used over it.
 */
export interface BareIngressRuns {
  readonly throughput: readonly WrkFigures[];
  readonly cpu: readonly RunCpu[];
}

/** Every round's figures of one flavour, in the order they were measured. */
export interface IngressRuns {
  readonly directThroughput: readonly WrkFigures[];
  readonly ingressThroughput: readonly WrkFigures[];
  /** One per ingressThroughput run, the same run. */
  readonly ingressThroughputCpu: readonly RunCpu[];
  readonly directLatency: readonly WrkFigures[];
  readonly ingressLatency: readonly WrkFigures[];
  /** Where the row measured its flavour's floor (the Docker rows). */
  readonly bare?: BareIngressRuns;
}

/** One row of the section: an ingress on a target, and where the measured processes ran. */
export interface IngressRowKey {
  readonly target: Target;
  readonly ingress: string;
  readonly cpuPlacement: CpuPlacement;
}

/** A row that could not be measured here, and why. */
export interface SkippedIngressRow extends IngressRowKey {
  readonly skipped: string;
}

export interface IngressOverhead extends IngressRowKey {
  readonly throughput: { readonly direct: WrkFigures; readonly throughIngress: WrkFigures };
  readonly latency: { readonly direct: WrkFigures; readonly throughIngress: WrkFigures };
  /** Reported, not judged: on 2 shared cores it measures the contention between wrk and the ingress. */
  readonly throughputRatio: number;
  readonly cpuPerRequest: CpuPerRequest;
  /**
   * The floor under cpuPerRequest: the same image with the plainest proxy configuration, over the same replica and
   * cores. The difference is what the product's configuration costs; the floor is what the binary and the container's
   * networking cost here whatever it is configured to do. Absent where it was not measured.
   */
  readonly bareCpuPerRequest?: CpuPerRequest;
  /** At one connection, so no queueing hides or inflates what the hop adds. */
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  readonly failedRequests: number;
  readonly verdict: "pass" | "miss";
  /** Why the verdict is a miss, a sentence each. */
  readonly misses: readonly string[];
  /** What the medians come from. */
  readonly runs: IngressRuns;
}

export type IngressRow = IngressOverhead | SkippedIngressRow;

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** `docker/traefik`, `kubernetes/traefik`: a row's name in the table and in the bars it missed. */
export const ingressRowName = (row: IngressRowKey) => `${row.target}/${row.ingress}`;

/** `pinned` or `unpinned`: the word before the colon. */
const coresOf = (placement: CpuPlacement) => placement.slice(0, placement.indexOf(":"));

/** The CPU figures of a row's runs through one ingress. */
function medianCpuPerRequest(runs: readonly RunCpu[]): CpuPerRequest {
  const perRun = runs.map(cpuPerRequest);
  return {
    ingressUs: median(perRun.map((run) => run.ingressUs)),
    appUs: median(perRun.map((run) => run.appUs)),
    ingressShare: median(perRun.map((run) => run.ingressShare)),
  };
}

/**
 * The medians of the rounds (an odd number of them), judged by the ingress bars. Each CPU figure is the median of its
 * per-run values, so the share comes from the ingress and the app measured over the same run. The bars hold whatever
 * the placement: CPU time is counted per cgroup on whichever core it was spent, and one connection queues nothing.
 */
export function judgeIngress(row: IngressRowKey, runs: IngressRuns): IngressOverhead {
  const throughput = {
    direct: medianFigures(runs.directThroughput),
    throughIngress: medianFigures(runs.ingressThroughput),
  };
  const latency = { direct: medianFigures(runs.directLatency), throughIngress: medianFigures(runs.ingressLatency) };
  const cpu = medianCpuPerRequest(runs.ingressThroughputCpu);
  const bare = runs.bare && medianCpuPerRequest(runs.bare.cpu);
  const addedP50Ms = latency.throughIngress.p50Ms - latency.direct.p50Ms;
  const failedRequests = [
    runs.directThroughput,
    runs.ingressThroughput,
    runs.directLatency,
    runs.ingressLatency,
    runs.bare?.throughput ?? [],
  ]
    .flat()
    .reduce((sum, run) => sum + run.failed, 0);
  const misses = [
    ...(cpu.ingressShare > BARS.ingressCpuShare
      ? [
          `ingress CPU ${cpu.ingressUs.toFixed(0)} µs/request is ${percent(cpu.ingressShare)} of the app's ${cpu.appUs.toFixed(0)} µs > ${percent(BARS.ingressCpuShare)}${bare ? ` (the same image with a bare config: ${percent(bare.ingressShare)})` : ""}`,
        ]
      : []),
    ...(addedP50Ms > BARS.ingressAddedP50Ms
      ? [`added p50 at one connection ${addedP50Ms.toFixed(2)} ms > ${BARS.ingressAddedP50Ms} ms`]
      : []),
    ...(failedRequests > 0 ? [`${failedRequests} failed requests (status >= 400 or socket errors)`] : []),
  ];
  return {
    ...row,
    throughput,
    latency,
    throughputRatio: throughput.throughIngress.requestsPerSecond / throughput.direct.requestsPerSecond,
    cpuPerRequest: cpu,
    ...(bare && { bareCpuPerRequest: bare }),
    addedP50Ms,
    addedP99Ms: latency.throughIngress.p99Ms - latency.direct.p99Ms,
    failedRequests,
    verdict: misses.length === 0 ? "pass" : "miss",
    misses,
    runs,
  };
}

/**
 * The printed table: one line per row (`-` for a floor not measured), a skipped one with why; then, for each row whose
 * processes were not pinned, where they ran.
 */
export function ingressTable(rows: readonly IngressRow[]): string[] {
  return [
    "target/ingress      cores     direct req/s  ingress req/s  ratio  ingress CPU µs/req  app CPU µs/req  CPU share  bare share  added p50 ms  added p99 ms  verdict",
    ...rows.map((row) =>
      [
        ingressRowName(row).padEnd(18),
        coresOf(row.cpuPlacement).padEnd(8),
        ...("skipped" in row
          ? [`skipped: ${row.skipped}`]
          : [
              row.throughput.direct.requestsPerSecond.toFixed(0).padStart(12),
              row.throughput.throughIngress.requestsPerSecond.toFixed(0).padStart(13),
              row.throughputRatio.toFixed(2).padStart(5),
              row.cpuPerRequest.ingressUs.toFixed(1).padStart(18),
              row.cpuPerRequest.appUs.toFixed(1).padStart(14),
              percent(row.cpuPerRequest.ingressShare).padStart(9),
              (row.bareCpuPerRequest ? percent(row.bareCpuPerRequest.ingressShare) : "-").padStart(10),
              row.addedP50Ms.toFixed(2).padStart(12),
              row.addedP99Ms.toFixed(2).padStart(12),
              row.verdict,
            ]),
      ].join("  "),
    ),
    ...rows
      .filter((row) => coresOf(row.cpuPlacement) === "unpinned")
      .map((row) => `${ingressRowName(row)}: ${row.cpuPlacement}`),
  ];
}
