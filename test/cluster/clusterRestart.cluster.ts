import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimedVolume,
  clusterAnswers,
  clusterCommand,
  httpStatus,
  kubectl,
  progressPrinter,
  smokeStack,
} from "../support/localCluster";
import { waitFor } from "../support/processes";
import { REPO_ROOT } from "../support/stackConfig";

// The cluster comes back after a graceful stop and after every component is killed: each followed by `npm run
// cluster`, the pods serve again and the database's volume still has the row written before. The seconds from the
// start command until FastAPI answers through its Service again are measured into reports/cluster-restart.json.
const PID_DIR = `${process.env.MIGRATION_CLUSTER_RUN ?? "/run/migration-cluster"}/pids`;
const MARKER = `written before the restarts, run ${process.pid}`;

interface RestartFigures {
  stopSeconds: number;
  startCommandSeconds: number;
  servedAgainSeconds: number;
}

/** SIGKILL every component the cluster command started, found by its pid files as the command itself finds them. */
function killEveryComponent(): string[] {
  const killed: string[] = [];
  for (const file of readdirSync(PID_DIR).filter((name) => name.endsWith(".pid"))) {
    const [pid, binary] = readFileSync(join(PID_DIR, file), "utf8").trim().split(" ");
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== binary) continue;
      process.kill(Number(pid), "SIGKILL");
      killed.push(file.replace(/\.pid$/, ""));
    } catch {
      // Gone already.
    }
  }
  return killed;
}

function psql(namespace: string, sql: string): string {
  return kubectl("-n", namespace, "exec", "postgres-0", "--", "psql", "-U", "app", "-d", "app", "-tAc", sql);
}

/** The row read back once the restarted kubelet serves `exec` for the database's pod again. */
function rowAfterRestart(namespace: string): Promise<string> {
  return waitFor(
    "the row written before, through the restarted kubelet",
    async () => psql(namespace, "SELECT note FROM restart_check"),
    120_000,
    1_000,
  );
}

describe("the local cluster, restarted", () => {
  let stack: Stack;
  let namespace = "";
  let fastapiUrl = "";
  let volume = "";
  const figures: Record<string, RestartFigures> = {};
  const progress = progressPrinter("restart");

  /** Runs `npm run cluster` and waits until FastAPI answers 200 through its Service; seconds from the command's start. */
  async function startAndTimeService(): Promise<Pick<RestartFigures, "startCommandSeconds" | "servedAgainSeconds">> {
    const started = Date.now();
    clusterCommand("up");
    const startCommandSeconds = (Date.now() - started) / 1000;
    await waitFor(
      "FastAPI's /healthz through the Service after the restart",
      async () => ((await httpStatus(`${fastapiUrl}/healthz`, 2_000)) === 200 ? true : undefined),
      5 * 60_000,
      250,
    );
    return { startCommandSeconds, servedAgainSeconds: (Date.now() - started) / 1000 };
  }

  beforeAll(async () => {
    stack = await smokeStack("cluster-restart", progress);
    const result = await stack.up({ onOutput: progress });
    namespace = result.outputs.namespaceName.value as string;
    fastapiUrl = result.outputs.fastapiUrl.value as string;
    volume = claimedVolume(namespace);
    psql(namespace, `CREATE TABLE restart_check (note text); INSERT INTO restart_check VALUES ('${MARKER}')`);
  });

  afterAll(async () => {
    writeFileSync(join(REPO_ROOT, "reports", "cluster-restart.json"), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`cluster restart figures (reports/cluster-restart.json): ${JSON.stringify(figures)}`);
    if (!stack) return;
    await stack.destroy({ onOutput: progress });
    if (volume) clusterCommand("free-volume", volume);
  });

  it("serves again after a graceful stop and a start, with the volume's data", async () => {
    const stopped = Date.now();
    clusterCommand("stop");
    const stopSeconds = (Date.now() - stopped) / 1000;
    expect(clusterAnswers()).toBe(false);
    figures.gracefulStop = { stopSeconds, ...(await startAndTimeService()) };
    expect(await rowAfterRestart(namespace)).toBe(MARKER);
  });

  it("serves again after every component is killed and a start, with the volume's data", async () => {
    const killed = killEveryComponent();
    expect(killed.sort()).toEqual([
      "containerd",
      "etcd",
      "kube-apiserver",
      "kube-controller-manager",
      "kube-proxy",
      "kube-scheduler",
      "kubelet",
      "registry",
    ]);
    figures.killEveryComponent = { stopSeconds: 0, ...(await startAndTimeService()) };
    expect(await rowAfterRestart(namespace)).toBe(MARKER);
    // The start found the killed components' pid files and replaced them; every component runs again.
    const status = execFileSync("bash", [join(REPO_ROOT, "scripts", "cluster", "cluster.sh"), "status"], {
      encoding: "utf8",
    });
    expect(status).not.toMatch(/ (stopped|stale) /);
  });
});
