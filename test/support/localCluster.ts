import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { dockerAnswers, imageExists } from "./engineTests";
import { REPO_ROOT } from "./stackConfig";

/** The project's cluster command (scripts/cluster/cluster.sh) and what it writes. */
export const CLUSTER_COMMAND = join(REPO_ROOT, "scripts", "cluster", "cluster.sh");
const CLUSTER_BUILD = join(REPO_ROOT, "scripts", "cluster", "build.sh");
export const KUBECONFIG =
  process.env.MIGRATION_KUBECONFIG ??
  `${process.env.MIGRATION_CLUSTER_STATE ?? "/var/lib/migration-cluster"}/admin.kubeconfig`;
/** Host and port of the cluster's registry (scripts/cluster/addresses.sh). */
export const REGISTRY = "10.250.0.254:5000";
export const STORAGE_CLASS = "local-hostpath";
export const SMOKE_PROGRAM = join(REPO_ROOT, "test", "cluster", "smoke-program");
export const SMOKE_IMAGES = ["migration/fastapi:0.2.0", "migration/postgres:15-bookworm"];

/** Why a test on the local cluster cannot run here (empty when it can): it starts the cluster when its binaries exist. */
export function clusterSkipReason(images: readonly string[]): string {
  if (process.getuid?.() !== 0) return "the cluster needs root";
  if (!dockerAnswers()) return "no Docker engine answers (scripts/docker/ensure-engine.sh starts one)";
  const missing = images.filter((image) => !imageExists(image));
  if (missing.length > 0) return `missing images ${missing.join(", ")} (scripts/docker/build-images.sh builds them)`;
  if (!kubernetesPluginInstalled())
    return "the Pulumi Kubernetes provider is not installed (scripts/toolchain/ensure-pulumi.sh --with-kubernetes)";
  if (!clusterAnswers() && !clusterBinariesCached())
    return "no cluster runs and its binaries are not built yet (npm run cluster builds and starts it; cold, about 25 min)";
  return "";
}

/** Runs the cluster command, its progress on this process's stderr; throws when it fails. */
export function clusterCommand(...args: string[]): void {
  execFileSync("bash", [CLUSTER_COMMAND, ...args], { stdio: ["ignore", "inherit", "inherit"] });
}

/** The cluster's kubectl as its admin; stdout. */
export function kubectl(...args: string[]): string {
  return execFileSync("bash", [CLUSTER_COMMAND, "kubectl", ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

const execFileAsync = promisify(execFile);

/** kubectl as `kubectl` does, without blocking the event loop: for steps that run while a load is being measured. */
export async function kubectlAsync(...args: string[]): Promise<string> {
  return (await execFileAsync("bash", [CLUSTER_COMMAND, "kubectl", ...args], { encoding: "utf8" })).stdout.trim();
}

/**
 * The namespace deleted, and every host-path volume its claims were bound to (whether the claims went with a destroy
 * or with the namespace) wiped and offered again: the cluster has eight, and a Released one is never bound again on its
 * own. What a cluster test does first (after an interrupted run) and last.
 */
export function deleteNamespaceAndItsVolumes(namespace: string): void {
  const namespaces = kubectl("get", "namespaces", "-o", "name").split("\n");
  if (namespaces.includes(`namespace/${namespace}`)) kubectl("delete", "namespace", namespace, "--wait=true");
  freeReleasedVolumes(namespace);
}

/** Every host-path volume whose claim in NAMESPACE is gone (Released) wiped and offered again; bound ones untouched. */
export function freeReleasedVolumes(namespace: string): void {
  const volumes = kubectl(
    "get",
    "pv",
    "-o",
    'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.spec.claimRef.namespace}{"\\n"}{end}',
  );
  for (const [name, phase, claimNamespace] of volumes.split("\n").map((line) => line.split(" ")))
    if (phase === "Released" && claimNamespace === namespace) clusterCommand("free-volume", name);
}

/**
 * A pod's cgroup, relative to a controller's root, in the local cluster's kubelet layout (cgroupfs at the default
 * root, scripts/cluster/configs.sh): a Guaranteed pod's group right under kubepods, any other under its QoS class's.
 */
export function podCgroup(uid: string, qosClass: string): string {
  return qosClass === "Guaranteed" ? `kubepods/pod${uid}` : `kubepods/${qosClass.toLowerCase()}/pod${uid}`;
}

/** kubectl's `-l` selector of the objects that carry every one of `labels`. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}=${value}`)
    .join(",");
}

/** The cgroups of NAMESPACE's running pods, or of those that carry every one of `labels` when given. */
export function runningPodCgroups(namespace: string, labels: Record<string, string> = {}): string[] {
  const selector = labelSelector(labels);
  const pods = kubectl(
    "-n",
    namespace,
    "get",
    "pods",
    "--field-selector=status.phase=Running",
    ...(selector !== "" ? ["-l", selector] : []),
    "-o",
    'jsonpath={range .items[*]}{.metadata.uid} {.status.qosClass}{"\\n"}{end}',
  )
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split(" "));
  return pods.map(([uid, qosClass]) => podCgroup(uid, qosClass));
}

/** The Gateway `cluster.sh gateway` runs (scripts/cluster/gateway.sh), started if it is not: its reference and URL. */
export function clusterGateway(): { name: string; namespace: string; listener: string; url: string } {
  const output = execFileSync("bash", [CLUSTER_COMMAND, "gateway"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return { name: "migration", namespace: "migration-gateway", listener: "http", url: output.trim().split("\n").pop()! };
}

/** The host-path volume PostgreSQL's claim is bound to in NAMESPACE (the smoke program's StatefulSet). */
export function claimedVolume(namespace: string): string {
  const claim = kubectl(
    "-n",
    namespace,
    "get",
    "pvc",
    "data-postgres-0",
    "-o",
    "jsonpath={.status.phase} {.spec.volumeName}",
  );
  const [phase, volume] = claim.split(" ");
  if (phase !== "Bound" || !/^local-volume-\d+$/.test(volume ?? "")) throw new Error(`PostgreSQL's claim: ${claim}`);
  return volume;
}

/** The API server answers /readyz with the admin kubeconfig. */
export function clusterAnswers(): boolean {
  if (!existsSync(KUBECONFIG)) return false;
  return (
    spawnSync("bash", [CLUSTER_COMMAND, "kubectl", "get", "--raw", "/readyz"], { stdio: "ignore", timeout: 10_000 })
      .status === 0
  );
}

/** Every binary the cluster runs is built already, so starting it takes a minute, not a cold build. */
export function clusterBinariesCached(): boolean {
  return spawnSync("bash", [CLUSTER_BUILD, "--cached-only"], { stdio: "ignore" }).status === 0;
}

/** The Pulumi CLI on PATH has the Kubernetes provider installed (scripts/toolchain/ensure-pulumi.sh --with-kubernetes). */
export function kubernetesPluginInstalled(): boolean {
  const listed = spawnSync("pulumi", ["plugin", "ls", "--json"], { encoding: "utf8" });
  if (listed.status !== 0) return false;
  const plugins = JSON.parse(listed.stdout) as Array<{ name: string; kind: string }>;
  return plugins.some((plugin) => plugin.name === "kubernetes" && plugin.kind === "resource");
}

/**
 * The smoke program's stack, ready to deploy: the cluster started if it does not answer, the smoke images pushed to
 * its registry, and the stack (in a file backend of its own) emptied of what an interrupted earlier run left behind,
 * so every run starts from nothing.
 */
export async function smokeStack(stackName: string, onOutput: (chunk: string) => void): Promise<Stack> {
  if (!clusterAnswers()) clusterCommand("up");
  clusterCommand("push-images", ...SMOKE_IMAGES);
  const backend = join(process.env.HOME ?? "/root", ".pulumi-migration-cluster-smoke");
  mkdirSync(backend, { recursive: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, workDir: SMOKE_PROGRAM },
    {
      envVars: {
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: "migration-cluster-smoke",
        PULUMI_SKIP_UPDATE_CHECK: "true",
      },
    },
  );
  await stack.setAllConfig({
    kubeconfig: { value: KUBECONFIG },
    registry: { value: REGISTRY },
    storageClass: { value: STORAGE_CLASS },
  });
  await stack.destroy({ onOutput });
  return stack;
}

/** GET url, with a deadline; the status, or 0 when nothing answered. */
export async function httpStatus(url: string, timeoutMs = 3_000): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Prints Pulumi's output (which arrives in chunks, not lines) line by line with a prefix, so a long run shows where it is. */
export function progressPrinter(prefix: string): (chunk: string) => void {
  let pending = "";
  return (chunk) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) process.stdout.write(`    ${prefix} | ${line}\n`);
  };
}
