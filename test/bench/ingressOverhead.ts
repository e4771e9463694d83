import { BARS } from "../e2e/bars";
import { E2E_INGRESS_PORT, E2E_PROMETHEUS_PORT, E2EStacks, type IngressFlavour } from "../e2e/e2eStacks";
import { stackFileConfig } from "../support/stackConfig";
import type { SectionOutcome } from "./benchSection";
import { APP_CPU, CLIENT_CPU, containerAddress, containerOnNetwork, pin } from "./cpuPlacement";
import { latencyPair, medianFigures, wrk, type WrkFigures } from "./wrk";

/**
 * The ingress section of `npm run bench`: requests/s and p50/p99 latency straight to a FastAPI replica and through
 * each ingress flavour to the same replica, with the same wrk settings, alternating the two so both see the same
 * machine noise. A missed bar (throughput ratio, added p99) makes the run fail.
 *
 * At saturation every cycle the ingress spends on the app's core is a cycle the app loses: that measures the machine,
 * not the ingress. So the app and its database are pinned to the app's core and wrk and the ingress to the client's,
 * as an ingress would run beside (not on top of) the app in production.
 */
/** Throughput: enough keep-alive connections to saturate the app. */
const THROUGHPUT = { threads: 2, connections: 16 };
/** Latency: one request at a time, so no queueing hides or inflates what the hop itself adds. */
const LATENCY = { threads: 1, connections: 1 };
const SECONDS_PER_RUN = 10;
const ROUNDS = 3;
const FASTAPI_PORT = 8000;

const measure = (url: string, load: { threads: number; connections: number }) =>
  wrk({ url, ...load, seconds: SECONDS_PER_RUN });

function withoutLogs({ logs: _logs, ...monitoring }: Record<string, unknown>): Record<string, unknown> {
  return monitoring;
}

async function benchFlavour(flavour: IngressFlavour) {
  // Everything to FastAPI, one replica: the ingress and the direct runs then reach exactly the same process.
  const overrides = {
    "migration:defaultWeight": 100,
    "migration:routes": [{ path: "/api/users", methods: ["GET", "HEAD"], weight: 100 }],
    "migration:fastapi": { image: "migration/fastapi:0.2.0", port: FASTAPI_PORT, replicas: 1 },
    // No log pipeline: shipping every access line would take CPU from the two pinned cores being compared.
    "migration:monitoring": {
      ...withoutLogs(JSON.parse(stackFileConfig("Pulumi.dev.yaml")["migration:monitoring"])),
      port: E2E_PROMETHEUS_PORT,
    },
  };
  const stacks = await E2EStacks.fresh(flavour, `bench-${flavour}`, overrides);
  try {
    await stacks.upPlatform();
    const [replica] = await stacks.platformOutput<string[]>("fastapiContainers");
    const network = await stacks.platformOutput<string>("networkName");
    pin(replica, APP_CPU);
    pin(containerOnNetwork(network, "database"), APP_CPU);
    pin(containerOnNetwork(network, "ingress"), CLIENT_CPU);
    // A real row to read, so every request is a 200 that touches the database.
    const created = await fetch(`http://127.0.0.1:${E2E_INGRESS_PORT}/api/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: `bench-${Date.now()}@bench.test`, name: "Bench" }),
    });
    if (created.status !== 201)
      throw new Error(`could not create the benchmark's user: ${created.status} ${await created.text()}`);
    const path = `/api/users/${((await created.json()) as { id: number }).id}`;
    const directUrl = `http://${containerAddress(replica)}:${FASTAPI_PORT}${path}`;
    const ingressUrl = `http://127.0.0.1:${E2E_INGRESS_PORT}${path}`;
    measure(ingressUrl, THROUGHPUT); // warm-up: connection pools, caches
    const runs = {
      directThroughput: [] as WrkFigures[],
      ingressThroughput: [] as WrkFigures[],
      directLatency: [] as WrkFigures[],
      ingressLatency: [] as WrkFigures[],
    };
    for (let round = 1; round <= ROUNDS; round++) {
      runs.directThroughput.push(measure(directUrl, THROUGHPUT));
      runs.ingressThroughput.push(measure(ingressUrl, THROUGHPUT));
      runs.directLatency.push(measure(directUrl, LATENCY));
      runs.ingressLatency.push(measure(ingressUrl, LATENCY));
      const [direct, through] = [runs.directThroughput.at(-1)!, runs.ingressThroughput.at(-1)!];
      console.log(
        `  ${flavour} round ${round}/${ROUNDS}: direct ${direct.requestsPerSecond.toFixed(0)} req/s, through ${flavour} ${through.requestsPerSecond.toFixed(0)} req/s`,
      );
    }
    const throughput = {
      direct: medianFigures(runs.directThroughput),
      throughIngress: medianFigures(runs.ingressThroughput),
    };
    const latency = { direct: medianFigures(runs.directLatency), throughIngress: medianFigures(runs.ingressLatency) };
    const failedRequests = Object.values(runs)
      .flat()
      .reduce((sum, run) => sum + run.failed, 0);
    return {
      ingress: flavour,
      throughput,
      latency,
      throughputRatio: throughput.throughIngress.requestsPerSecond / throughput.direct.requestsPerSecond,
      addedP99Ms: latency.throughIngress.p99Ms - latency.direct.p99Ms,
      failedRequests,
      runs,
    };
  } finally {
    await stacks.tearDown();
  }
}

/** Both flavours, one after the other, each on a stack of its own that is destroyed afterwards. */
export async function benchIngress(): Promise<SectionOutcome> {
  const results = [];
  for (const flavour of ["traefik", "nginx"] as const) results.push(await benchFlavour(flavour));
  const table = [
    "ingress   direct req/s  ingress req/s  ratio  direct p50/p99 ms (1 conn)  ingress p50/p99 ms (1 conn)  added p99 ms",
  ];
  const missed: string[] = [];
  for (const result of results) {
    const { throughput, latency } = result;
    table.push(
      [
        result.ingress.padEnd(8),
        throughput.direct.requestsPerSecond.toFixed(0).padStart(12),
        throughput.throughIngress.requestsPerSecond.toFixed(0).padStart(13),
        result.throughputRatio.toFixed(2).padStart(5),
        latencyPair(latency.direct).padStart(26),
        latencyPair(latency.throughIngress).padStart(27),
        result.addedP99Ms.toFixed(2).padStart(12),
      ].join("  "),
    );
    if (result.throughputRatio < BARS.ingressThroughputRatio)
      missed.push(
        `${result.ingress}: throughput ratio ${result.throughputRatio.toFixed(2)} < ${BARS.ingressThroughputRatio}`,
      );
    if (result.addedP99Ms > BARS.ingressAddedP99Ms)
      missed.push(`${result.ingress}: added p99 ${result.addedP99Ms.toFixed(2)} ms > ${BARS.ingressAddedP99Ms} ms`);
    if (result.failedRequests > 0)
      missed.push(`${result.ingress}: ${result.failedRequests} failed requests (non-2xx or socket errors)`);
  }
  const report = {
    settings: {
      tool: "wrk",
      appCpu: APP_CPU,
      clientAndIngressCpu: CLIENT_CPU,
      throughput: THROUGHPUT,
      latency: LATENCY,
      secondsPerRun: SECONDS_PER_RUN,
      rounds: ROUNDS,
      figures: "median of the rounds",
    },
    bars: { throughputRatio: BARS.ingressThroughputRatio, addedP99Ms: BARS.ingressAddedP99Ms },
    results,
  };
  return { report, table, missed };
}
