import { BARS } from "../e2e/bars";
import { E2E_INGRESS_PORT, E2E_PROMETHEUS_PORT, E2EStacks, type IngressFlavour } from "../e2e/e2eStacks";
import { stackFileConfig } from "../support/stackConfig";
import type { SectionOutcome } from "./benchSection";
import { containerCpuClock, dockerCgroupLayout, type CgroupLayout } from "./cgroupCpu";
import { APP_CPU, CLIENT_CPU, containerAddress, containerOnNetwork, pin } from "./cpuPlacement";
import { cpuPerRequest, ingressTable, judgeIngress, type IngressOverhead, type RunCpu } from "./ingressVerdict";
import { wrk, type WrkFigures } from "./wrk";

/**
 * The ingress section of `npm run bench`: requests/s and p50/p99 latency straight to a FastAPI replica and through
 * each ingress flavour to the same replica, with the same wrk settings, alternating the two so both see the same
 * machine noise.
 *
 * At saturation every cycle the ingress spends on the app's core is a cycle the app loses: that measures the machine,
 * not the ingress. So the app and its database are pinned to the app's core and wrk and the ingress to the client's,
 * as an ingress would run beside (not on top of) the app in production. Even so, on 2 shared cores wrk and the
 * ingress compete for one, so the req/s ratio measures that contention and is only reported. What is judged is what
 * the hop itself costs: the ingress's CPU time per request next to the app's for the same requests (read from both
 * containers' cgroups around each throughput run through the ingress), and the p50 it adds at one connection.
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

async function benchFlavour(flavour: IngressFlavour, layout: CgroupLayout): Promise<IngressOverhead> {
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
    const ingress = containerOnNetwork(network, "ingress");
    pin(ingress, CLIENT_CPU);
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
    const clocks = { ingress: containerCpuClock(ingress, layout), app: containerCpuClock(replica, layout) };
    const runs = {
      directThroughput: [] as WrkFigures[],
      ingressThroughput: [] as WrkFigures[],
      ingressThroughputCpu: [] as RunCpu[],
      directLatency: [] as WrkFigures[],
      ingressLatency: [] as WrkFigures[],
    };
    for (let round = 1; round <= ROUNDS; round++) {
      runs.directThroughput.push(measure(directUrl, THROUGHPUT));
      const before = { ingress: clocks.ingress(), app: clocks.app() };
      const through = measure(ingressUrl, THROUGHPUT);
      const after = { ingress: clocks.ingress(), app: clocks.app() };
      runs.ingressThroughput.push(through);
      runs.ingressThroughputCpu.push({
        ingressUsec: after.ingress - before.ingress,
        appUsec: after.app - before.app,
        // wrk's req/s is its count of completed requests over its own duration, which is SECONDS_PER_RUN to within
        // the join of its threads: this is that count back.
        requests: Math.round(through.requestsPerSecond * SECONDS_PER_RUN),
      });
      runs.directLatency.push(measure(directUrl, LATENCY));
      runs.ingressLatency.push(measure(ingressUrl, LATENCY));
      const direct = runs.directThroughput.at(-1)!;
      const cpu = cpuPerRequest(runs.ingressThroughputCpu.at(-1)!);
      console.log(
        `  ${flavour} round ${round}/${ROUNDS}: direct ${direct.requestsPerSecond.toFixed(0)} req/s, through ${flavour} ${through.requestsPerSecond.toFixed(0)} req/s; CPU per request ${cpu.ingressUs.toFixed(1)} µs ${flavour}, ${cpu.appUs.toFixed(1)} µs app`,
      );
    }
    return judgeIngress(flavour, runs);
  } finally {
    await stacks.tearDown();
  }
}

/** Both flavours, one after the other, each on a stack of its own that is destroyed afterwards. */
export async function benchIngress(): Promise<SectionOutcome> {
  const layout = dockerCgroupLayout();
  const results = [];
  for (const flavour of ["traefik", "nginx"] as const) results.push(await benchFlavour(flavour, layout));
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
      cpuAccounting: `cgroup v${layout.version} (${layout.driver}) ${layout.version === "2" ? "cpu.stat usage_usec" : "cpuacct.usage"} of the ingress and the FastAPI replica, read before and after each throughput run through the ingress`,
    },
    bars: { ingressCpuShare: BARS.ingressCpuShare, addedP50Ms: BARS.ingressAddedP50Ms },
    results,
  };
  const missed = results.flatMap((result) => result.misses.map((miss) => `${result.ingress}: ${miss}`));
  return { report, table: ingressTable(results), missed };
}
