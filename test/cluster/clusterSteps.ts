import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { E2EStacks } from "../e2e/e2eStacks";
import { ENGINE_TESTS_REQUIRED } from "../support/engineTests";
import {
  clusterAnswers,
  clusterCommand,
  clusterSkipReason,
  deleteNamespaceAndItsVolumes,
  KUBECONFIG,
  REGISTRY,
  STORAGE_CLASS,
} from "../support/localCluster";
import { LOG_PIPELINE_IMAGES } from "../support/logPipeline";
import { REPO_ROOT } from "../support/stackConfig";

// What every run on the local cluster does around its own steps: whether it can run, its stacks' config, their fresh
// start and their end. Nothing here imports vitest: `npm run bench` (plain tsx, outside vitest) deploys with it too.

/**
 * Why a run on the cluster (a test file, the bench's Kubernetes row) cannot run here ("" when it can): the cluster or
 * an image missing. Under `.ci/run` (MIGRATION_REQUIRE_ENGINE_TESTS) that fails the run instead of skipping it.
 */
export function clusterTestSkipReason(what: string, images: readonly string[]): string {
  const reason = clusterSkipReason(images);
  if (reason && ENGINE_TESTS_REQUIRED) throw new Error(`${what} cannot run: ${reason}`);
  if (reason) console.warn(`${what} skipped: ${reason}`);
  return reason;
}

/** A cluster run's stacks: `stack`, deploying to the namespace `migration-<stack>`. */
export interface ClusterStacksPlan {
  readonly stack: string;
  readonly images: readonly string[];
  /** The stack config beside the dev stage's. */
  readonly overrides: Record<string, unknown>;
}

export const clusterNamespace = (stack: string) => `migration-${stack}`;

/** The images of the whole platform on the cluster, the log pipeline's and the monitoring's included. */
export const PLATFORM_IMAGES = [
  "migration/fastapi:0.2.0",
  "migration/legacy-flask:0.2.0",
  "migration/postgres:15-bookworm",
  "migration/traefik:v3.6.12",
  "migration/prometheus:2.42-bookworm",
  "migration/alertmanager:0.25-bookworm",
  "migration/postgres-exporter:0.11-bookworm",
  LOG_PIPELINE_IMAGES.store,
  LOG_PIPELINE_IMAGES.collector,
];

/** The node's address: the host reaches a NodePort there (docs/kubernetes-cluster.md). */
const NODE_ADDRESS = "10.250.0.1";

/** `migration:kubernetes` for the local cluster, its ingress on a NodePort the host reaches. */
export const LOCAL_CLUSTER_SETTINGS = {
  kubeconfig: KUBECONFIG,
  imageRegistry: REGISTRY,
  storageClass: STORAGE_CLASS,
  databaseStorage: "1Gi",
  monitoringStorage: "1Gi",
  // The local cluster's kubelet writes the pods' logs here (docs/kubernetes-cluster.md).
  podLogsDirectory: "/var/log/migration-cluster/pods",
  ingressService: { type: "NodePort", address: NODE_ADDRESS },
};

/** The cluster tests' stacks on a file backend of their own (`~/.pulumi-migration-<stack>`), apart from the e2e's. */
export function useOwnBackend(stack: string): void {
  const backend = join(process.env.HOME ?? "/root", `.pulumi-migration-${stack}`);
  process.env.PULUMI_BACKEND_URL = `file://${backend}`;
  process.env.PULUMI_CONFIG_PASSPHRASE = `migration-${stack}`;
  mkdirSync(backend, { recursive: true });
}

/**
 * The cluster started if it is not, the images pushed, what an interrupted run left in the namespace deleted (a claim
 * it kept would hand this run its old data), and fresh stacks.
 */
export async function freshClusterStacks({ stack, images, overrides }: ClusterStacksPlan): Promise<E2EStacks> {
  if (!clusterAnswers()) clusterCommand("up");
  clusterCommand("push-images", ...images);
  deleteNamespaceAndItsVolumes(clusterNamespace(stack));
  return E2EStacks.fresh("traefik", stack, { "migration:target": "kubernetes", ...overrides });
}

/** Both stacks torn down, the namespace and its volumes gone, and the test's figures written to `reports/<report>`. */
export async function finishClusterStacks(
  stacks: E2EStacks | undefined,
  stack: string,
  report: string,
  figures: Record<string, number>,
): Promise<void> {
  if (stacks) await stacks.tearDown();
  deleteNamespaceAndItsVolumes(clusterNamespace(stack));
  mkdirSync(join(REPO_ROOT, "reports"), { recursive: true });
  writeFileSync(join(REPO_ROOT, "reports", report), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`${stack} figures (reports/${report}): ${JSON.stringify(figures)}`);
}
