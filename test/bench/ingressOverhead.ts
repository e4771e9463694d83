import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BARS } from "../e2e/bars";
import { E2E_INGRESS_PORT, E2EStacks, type IngressFlavour } from "../e2e/e2eStacks";
import { REPO_ROOT } from "../support/stackConfig";

/**
 * `npm run bench`: requests/s and p50/p99 latency straight to a FastAPI replica and through each ingress flavour to
 * the same replica, with the same wrk settings, alternating the two so both see the same machine noise. Figures go
 * to reports/bench.json; a missed bar (throughput ratio, added p99) makes the run fail.
 */
const CONNECTIONS = 16;
const THREADS = 2;
const SECONDS_PER_RUN = 10;
const ROUNDS = 3;
const PATH = "/api/users/1";
const FASTAPI_PORT = 8000;

interface WrkFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failed: number;
}

function wrk(url: string): WrkFigures {
  const script = join(__dirname, "wrkSummary.lua");
  const output = execFileSync("wrk", [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${SECONDS_PER_RUN}s`, "-s", script, url], { encoding: "utf8" });
  const summary = JSON.parse(output.trim().split("\n").at(-1)!);
  return {
    requestsPerSecond: summary.requests / (summary.durationUs / 1e6),
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    failed: summary.socketErrors + summary.non2xx,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const medianFigures = (runs: WrkFigures[]): WrkFigures => ({
  requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
  p50Ms: median(runs.map((run) => run.p50Ms)),
  p99Ms: median(runs.map((run) => run.p99Ms)),
  failed: runs.reduce((sum, run) => sum + run.failed, 0),
});

/** The replica's address on the Docker network, which the host reaches directly. */
function containerAddress(containerName: string): string {
  return execFileSync("docker", ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", containerName], { encoding: "utf8" }).trim();
}

async function benchFlavour(flavour: IngressFlavour) {
  // Everything to FastAPI, one replica: the ingress and the direct runs then reach exactly the same process.
  const overrides = {
    "migration:defaultWeight": 100,
    "migration:routes": [{ path: "/api/users", methods: ["GET", "HEAD"], weight: 100 }],
    "migration:fastapi": { image: "migration/fastapi:0.1.0", port: FASTAPI_PORT, replicas: 1 },
  };
  const stacks = await E2EStacks.fresh(flavour, `bench-${flavour}`, overrides);
  try {
    await stacks.upPlatform();
    const [replica] = await stacks.platformOutput<string[]>("fastapiContainers");
    const directUrl = `http://${containerAddress(replica)}:${FASTAPI_PORT}${PATH}`;
    const ingressUrl = `http://127.0.0.1:${E2E_INGRESS_PORT}${PATH}`;
    wrk(ingressUrl); // warm-up: connection pools, caches
    const direct: WrkFigures[] = [];
    const throughIngress: WrkFigures[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      direct.push(wrk(directUrl));
      throughIngress.push(wrk(ingressUrl));
      console.log(`  ${flavour} round ${round}/${ROUNDS}: direct ${direct.at(-1)!.requestsPerSecond.toFixed(0)} req/s, through ${flavour} ${throughIngress.at(-1)!.requestsPerSecond.toFixed(0)} req/s`);
    }
    const directMedian = medianFigures(direct);
    const ingressMedian = medianFigures(throughIngress);
    return {
      ingress: flavour,
      direct: directMedian,
      throughIngress: ingressMedian,
      throughputRatio: ingressMedian.requestsPerSecond / directMedian.requestsPerSecond,
      addedP99Ms: ingressMedian.p99Ms - directMedian.p99Ms,
      runs: { direct, throughIngress },
    };
  } finally {
    await stacks.tearDown();
  }
}

async function main() {
  const results = [];
  for (const flavour of ["traefik", "nginx"] as const) results.push(await benchFlavour(flavour));
  const document = {
    generatedAt: new Date().toISOString(),
    settings: { tool: "wrk", threads: THREADS, connections: CONNECTIONS, secondsPerRun: SECONDS_PER_RUN, rounds: ROUNDS, path: PATH, figures: "median of the rounds" },
    bars: { throughputRatio: BARS.ingressThroughputRatio, addedP99Ms: BARS.ingressAddedP99Ms },
    results,
  };
  mkdirSync(join(REPO_ROOT, "reports"), { recursive: true });
  const path = join(REPO_ROOT, "reports", "bench.json");
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);

  console.log("\ningress   direct req/s  ingress req/s  ratio  direct p50/p99 ms  ingress p50/p99 ms  added p99 ms");
  const missed: string[] = [];
  for (const result of results) {
    const { direct, throughIngress } = result;
    console.log(
      `${result.ingress.padEnd(8)}  ${direct.requestsPerSecond.toFixed(0).padStart(12)}  ${throughIngress.requestsPerSecond.toFixed(0).padStart(13)}  ${result.throughputRatio.toFixed(2).padStart(5)}  ${`${direct.p50Ms.toFixed(2)}/${direct.p99Ms.toFixed(2)}`.padStart(17)}  ${`${throughIngress.p50Ms.toFixed(2)}/${throughIngress.p99Ms.toFixed(2)}`.padStart(18)}  ${result.addedP99Ms.toFixed(2).padStart(12)}`,
    );
    if (result.throughputRatio < BARS.ingressThroughputRatio) missed.push(`${result.ingress}: throughput ratio ${result.throughputRatio.toFixed(2)} < ${BARS.ingressThroughputRatio}`);
    if (result.addedP99Ms > BARS.ingressAddedP99Ms) missed.push(`${result.ingress}: added p99 ${result.addedP99Ms.toFixed(2)} ms > ${BARS.ingressAddedP99Ms} ms`);
    if (direct.failed + throughIngress.failed > 0) missed.push(`${result.ingress}: ${direct.failed + throughIngress.failed} failed requests`);
  }
  console.log(`\nfigures written to ${path}`);
  if (missed.length > 0) {
    console.error(`bars missed:\n  ${missed.join("\n  ")}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
