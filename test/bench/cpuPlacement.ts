import { execFileSync } from "node:child_process";
import os from "node:os";

/**
 * Where the benchmark's processes run. On a 2-core machine everything would otherwise compete for the same cores, and
 * at saturation a cycle spent by the load generator (or an ingress, or the database) is a cycle the app under test
 * loses: that measures the machine. So the app under test gets the first core to itself, and wrk the last.
 */
export const APP_CPU = "0";
export const CLIENT_CPU = String(os.availableParallelism() - 1);

/**
 * Where a run's measured processes were, in a report's words: `pinned` when each had the cores this file gives it,
 * `unpinned` when they ran wherever the kernel put them, with why.
 */
export type CpuPlacement = `pinned: ${string}` | `unpinned: ${string}`;

/** The ingress section's Docker rows. */
export const PINNED_INGRESS_PLACEMENT: CpuPlacement = `pinned: FastAPI and its database on core ${APP_CPU}, the ingress and wrk on core ${CLIENT_CPU} (docker update --cpuset-cpus, taskset)`;

/** Pins a running container to the given cores. */
export function pin(containerName: string, cpus: string): void {
  execFileSync("docker", ["update", "--cpuset-cpus", cpus, containerName], { stdio: "ignore" });
}

/** The stack's container named `prefix-<suffix>` (Pulumi auto-naming), found on the stack's own network. */
export function containerOnNetwork(network: string, prefix: string): string {
  const names = execFileSync("docker", ["ps", "--filter", `network=${network}`, "--format", "{{.Names}}"], {
    encoding: "utf8",
  }).split("\n");
  const match = names.find((name) => name.startsWith(`${prefix}-`));
  if (!match) throw new Error(`no running container ${prefix}-* on network ${network}`);
  return match;
}

/** The container's address on its Docker network, which the host reaches directly. */
export function containerAddress(containerName: string): string {
  return execFileSync(
    "docker",
    ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", containerName],
    { encoding: "utf8" },
  ).trim();
}
