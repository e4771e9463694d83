import { BARS } from "../e2e/bars";
import { E2E_INGRESS_PORT, E2E_PROMETHEUS_PORT, E2EStacks, type IngressFlavour } from "../e2e/e2eStacks";
import { stackFileConfig } from "../support/stackConfig";
import { startBareIngress } from "./bareIngress";
import type { SectionOutcome } from "./benchSection";
import { containerCpuClock, dockerCgroupLayout, type CgroupLayout } from "./cgroupCpu";
import {
  APP_CPU,
  CLIENT_CPU,
  containerAddress,
  containerOnNetwork,
  pin,
  PINNED_INGRESS_PLACEMENT,
} from "./cpuPlacement";
import { benchUserPath, LATENCY, measureIngressRounds, ROUNDS, SECONDS_PER_RUN, THROUGHPUT } from "./ingressRounds";
import {
  ingressRowName,
  ingressTable,
  judgeIngress,
  type IngressOverhead,
  type IngressRow,
  type IngressRowKey,
} from "./ingressVerdict";
import { benchKubernetesIngress } from "./kubernetesIngress";

/**
 * The ingress section of `npm run bench`: requests/s and p50/p99 latency straight to a FastAPI replica and through
 * the ingress to the same replica (ingressRounds.ts), on Docker through each ingress flavour, then on the local
 * Kubernetes cluster through the Kubernetes target's Traefik (kubernetesIngress.ts).
 *
 * At saturation every cycle the ingress spends on the app's core is a cycle the app loses: that measures the machine,
 * not the ingress. So on Docker the app and its database are pinned to the app's core and wrk and the ingress to the
 * client's, as an ingress would run beside (not on top of) the app in production; the cluster cannot pin its pods
 * (kubernetesIngress.ts says why), and its row says so. Even pinned, on 2 shared cores wrk and the ingress compete for
 * one, so the req/s ratio measures that contention and is only reported. What is judged is what the hop itself costs:
 * the ingress's CPU time per request next to the app's for the same requests (read from their cgroups around each
 * throughput run through the ingress), and the p50 it adds at one connection. Beside each Docker row's ingress runs a
 * bare one of the same image (bareIngress.ts), measured the same way, for the floor under its CPU figure.
 */
const FASTAPI_PORT = 8000;

function withoutLogs({ logs: _logs, ...monitoring }: Record<string, unknown>): Record<string, unknown> {
  return monitoring;
}

/** Every row's stack config beside the dev stage's, on either target. */
const benchStackOverrides = () => ({
  // Everything to FastAPI, one replica: the ingress and the direct runs then reach exactly the same process.
  "migration:defaultWeight": 100,
  "migration:routes": [{ path: "/api/users", methods: ["GET", "HEAD"], weight: 100 }],
  "migration:fastapi": { image: "migration/fastapi:0.2.0", port: FASTAPI_PORT, replicas: 1 },
  // No log pipeline: shipping every access line would take CPU from the cores being compared.
  "migration:monitoring": {
    ...withoutLogs(JSON.parse(stackFileConfig("Pulumi.dev.yaml")["migration:monitoring"])),
    port: E2E_PROMETHEUS_PORT,
  },
});

async function benchDockerFlavour(flavour: IngressFlavour, layout: CgroupLayout): Promise<IngressOverhead> {
  const row: IngressRowKey = { target: "docker", ingress: flavour, cpuPlacement: PINNED_INGRESS_PLACEMENT };
  const stacks = await E2EStacks.fresh(flavour, `bench-${flavour}`, benchStackOverrides());
  try {
    await stacks.upPlatform();
    const [replica] = await stacks.platformOutput<string[]>("fastapiContainers");
    const network = await stacks.platformOutput<string>("networkName");
    pin(replica, APP_CPU);
    pin(containerOnNetwork(network, "database"), APP_CPU);
    const ingress = containerOnNetwork(network, "ingress");
    pin(ingress, CLIENT_CPU);
    const ingressBaseUrl = `http://127.0.0.1:${E2E_INGRESS_PORT}`;
    const path = await benchUserPath(ingressBaseUrl);
    const replicaAddress = containerAddress(replica);
    const bare = await startBareIngress(
      flavour,
      network,
      { address: replicaAddress, port: FASTAPI_PORT },
      CLIENT_CPU,
      path,
    );
    try {
      const runs = measureIngressRounds(ingressRowName(row), {
        directUrl: `http://${replicaAddress}:${FASTAPI_PORT}${path}`,
        ingressUrl: `${ingressBaseUrl}${path}`,
        cpuClocks: { ingress: containerCpuClock(ingress, layout), app: containerCpuClock(replica, layout) },
        bare: { url: `${bare.baseUrl}${path}`, cpuClock: containerCpuClock(bare.container, layout) },
      });
      return judgeIngress(row, runs);
    } finally {
      bare.remove();
    }
  } finally {
    await stacks.tearDown();
  }
}

/** Both Docker flavours, then the Kubernetes target, one after the other, each on stacks of its own destroyed after. */
export async function benchIngress(): Promise<SectionOutcome> {
  const layout = dockerCgroupLayout();
  const rows: IngressRow[] = [];
  for (const flavour of ["traefik", "nginx"] as const) rows.push(await benchDockerFlavour(flavour, layout));
  rows.push(await benchKubernetesIngress(benchStackOverrides()));
  const report = {
    settings: {
      tool: "wrk",
      throughput: THROUGHPUT,
      latency: LATENCY,
      secondsPerRun: SECONDS_PER_RUN,
      rounds: ROUNDS,
      figures: "median of the rounds",
      bareIngress: `Docker rows: the stack's ingress image beside it on the same network and core, configured only to proxy every path to the replica over keep-alive connections (no metrics, no middleware or Lua, no access log), published on the host as the stack's is; one throughput run through it per round, with its CPU and the app's`,
      cpuAccounting: `cgroup v${layout.version} ${layout.version === "2" ? "cpu.stat usage_usec" : "cpuacct.usage"} of the ingress and the FastAPI replica (Docker's ${layout.driver} container groups; on Kubernetes the pods' groups, kubepods/<qos>/pod<uid>), read before and after each throughput run through the ingress`,
    },
    bars: { ingressCpuShare: BARS.ingressCpuShare, addedP50Ms: BARS.ingressAddedP50Ms },
    results: rows,
  };
  const missed = rows.flatMap((row) =>
    "skipped" in row ? [] : row.misses.map((miss) => `${ingressRowName(row)}: ${miss}`),
  );
  return { report, table: ingressTable(rows), missed };
}
