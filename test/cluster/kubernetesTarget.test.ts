import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2EStacks } from "../e2e/e2eStacks";
import { unreadableRows, writeRowsThroughBothApps } from "../e2e/rows";
import { sampleSplit } from "../e2e/splitSample";
import { SteadyLoad, type CreatedRow } from "../e2e/steadyLoad";
import { ENGINE_TESTS_REQUIRED } from "../support/engineTests";
import {
  clusterAnswers,
  clusterCommand,
  clusterSkipReason,
  KUBECONFIG,
  kubectl,
  progressPrinter,
  REGISTRY,
  STORAGE_CLASS,
} from "../support/localCluster";
import { waitFor } from "../support/processes";
import { REPO_ROOT } from "../support/stackConfig";

// The platform's Kubernetes target on the real local cluster, end to end: the dev stage moved to the cluster (as
// docs/kubernetes.md tells a user to), the platform and the legacy stack deployed, both apps serving one database
// through Traefik's routing objects, a weight step that changes one object, a rollback through the cutover command
// under load, the decommission guard, and a destroy that keeps the database's claim for the next deploy. Figures go to
// reports/kubernetes-target.json. Like the cluster's own checks, it starts the cluster when its binaries are built.
const IMAGES = [
  "migration/fastapi:0.2.0",
  "migration/legacy-flask:0.2.0",
  "migration/postgres:15-bookworm",
  "migration/traefik:v3.6.12",
];
const STACK = "k8s-target";
const NAMESPACE = `migration-${STACK}`;
/** The node's address: the host reaches a NodePort there (docs/kubernetes-cluster.md). */
const NODE_ADDRESS = "10.250.0.1";
const OVERRIDE_HEADER = "X-Backend";

const reason = clusterSkipReason(IMAGES);
if (reason && ENGINE_TESTS_REQUIRED) throw new Error(`the Kubernetes target test cannot run: ${reason}`);
if (reason) console.warn(`Kubernetes target test skipped: ${reason}`);

const clusterSettings = {
  kubeconfig: KUBECONFIG,
  imageRegistry: REGISTRY,
  storageClass: STORAGE_CLASS,
  databaseStorage: "1Gi",
  ingressService: { type: "NodePort", address: NODE_ADDRESS },
};

/**
 * The namespace deleted, and the host-path volume its database claim was bound to wiped and offered again: the cluster
 * has eight, and a Released one is never bound again on its own.
 */
function deleteNamespaceAndItsVolume(): void {
  const namespaces = kubectl("get", "namespaces", "-o", "name").split("\n");
  if (!namespaces.includes(`namespace/${NAMESPACE}`)) return;
  const volume = kubectl("-n", NAMESPACE, "get", "pvc", "-o", "jsonpath={.items[*].spec.volumeName}");
  kubectl("delete", "namespace", NAMESPACE, "--wait=true");
  for (const name of volume.split(" ").filter(Boolean)) clusterCommand("free-volume", name);
}

/** The images of every pod in the stack's namespace. */
function podImages(): string[] {
  return kubectl("-n", NAMESPACE, "get", "pods", "-o", "jsonpath={.items[*].spec.containers[*].image}").split(" ");
}

describe.skipIf(reason !== "")(
  `the Kubernetes target on the local cluster${reason ? ` (skipped: ${reason})` : ""}`,
  // Each step deploys, destroys or waits on the cluster.
  { timeout: 10 * 60_000 },
  () => {
    let stacks: E2EStacks;
    let baseUrl = "";
    /** Rows written through either app, every one of which must stay readable. */
    let rows: CreatedRow[] = [];
    const figures: Record<string, number> = {};

    beforeAll(async () => {
      process.env.PULUMI_BACKEND_URL = `file://${join(process.env.HOME ?? "/root", ".pulumi-migration-kubernetes-target")}`;
      process.env.PULUMI_CONFIG_PASSPHRASE = "migration-kubernetes-target";
      mkdirSync(process.env.PULUMI_BACKEND_URL.slice("file://".length), { recursive: true });
      if (!clusterAnswers()) clusterCommand("up");
      clusterCommand("push-images", ...IMAGES);
      // A claim kept by an interrupted earlier run would hand this run its old data: start from an empty namespace.
      deleteNamespaceAndItsVolume();
      stacks = await E2EStacks.fresh("traefik", STACK, {
        "migration:target": "kubernetes",
        "migration:monitoring": { enabled: false },
        "migration:kubernetes": clusterSettings,
        "migration:database": { image: "migration/postgres:15-bookworm", retainOnDestroy: true },
      });
    }, 15 * 60_000);

    afterAll(async () => {
      if (stacks) await stacks.tearDown();
      // The stage keeps the database's claim through a destroy; the test's own data goes with its namespace.
      deleteNamespaceAndItsVolume();
      mkdirSync(join(REPO_ROOT, "reports"), { recursive: true });
      writeFileSync(join(REPO_ROOT, "reports", "kubernetes-target.json"), `${JSON.stringify(figures, null, 2)}\n`);
      console.log(`Kubernetes target figures (reports/kubernetes-target.json): ${JSON.stringify(figures)}`);
    }, 10 * 60_000);

    it("deploys the platform and the legacy stack, every image pulled from the cluster's registry", async () => {
      figures.platformUpSeconds = (await stacks.upPlatform()).seconds;
      figures.legacyUpSeconds = (await stacks.upLegacy()).seconds;
      baseUrl = await stacks.platformOutput<string>("ingressUrl");
      expect(baseUrl).toMatch(new RegExp(`^http://${NODE_ADDRESS.replace(/\./g, "\\.")}:3\\d{4}$`));
      expect(new Set(podImages())).toEqual(new Set(IMAGES.map((image) => `${REGISTRY}/${image}`)));
    });

    it("serves both apps on one database through the ingress (the cutover command's smoke test)", async () => {
      const smoke = await stacks.cutover(["smoke"]);
      expect(smoke.output).toContain("8 of 8 checks passed");
      expect(smoke.exitCode).toBe(0);
      rows = await writeRowsThroughBothApps(baseUrl, OVERRIDE_HEADER, 5);
    });

    it("splits the default route by its weight (10% FastAPI), within one point over 1,000 requests", async () => {
      const split = await sampleSplit(baseUrl, { method: "GET", path: "/healthz" }, 1_000);
      figures.defaultRouteFastapiShareAt10 = split.fastapi / split.requests;
      expect(split.unattributed).toBe(0);
      expect(Math.abs(split.fastapi / split.requests - 0.1)).toBeLessThanOrEqual(0.01);
    });

    it("takes a weight step as one routing object updated, nothing else, and serves the new split", async () => {
      await stacks.setWeights(50, []);
      const preview = await stacks.previewPlatform();
      expect(preview.update).toBe(1);
      // Besides the one update, only reads (the cluster's prerequisites) and unchanged resources.
      for (const operation of ["create", "replace", "delete", "create-replacement", "delete-replaced"] as const)
        expect(preview[operation] ?? 0, operation).toBe(0);
      const step = await stacks.upPlatform();
      figures.weightStepUpSeconds = step.seconds;
      const settled = await waitFor(
        "the default route at 50%",
        async () => {
          const split = await sampleSplit(baseUrl, { method: "GET", path: "/healthz" }, 400);
          return Math.abs(split.fastapi / split.requests - 0.5) <= 0.02 ? split : undefined;
        },
        30_000,
        500,
      );
      figures.weightStepSettledSecondsAfterUp = (Date.now() - step.returnedAt) / 1000;
      expect(settled.unattributed).toBe(0);
    });

    it("rolls back through the cutover command under load, with no failed request and no apply conflict", async () => {
      const users = rows.filter((row) => row.kind === "users").map((row) => row.id);
      const load = new SteadyLoad(baseUrl, users, 30, 4);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const started = Date.now();
      const rollback = await stacks.cutover(["rollback", "--reason", "Kubernetes target test"]);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await load.stop();
      expect(rollback.exitCode).toBe(0);
      expect(rollback.output).not.toMatch(/conflict/i);
      const lastFastapi = Math.max(
        ...load.responses.filter((response) => response.backend === "fastapi").map((response) => response.at),
      );
      figures.rollbackTrafficOnFlaskSeconds = (lastFastapi - started) / 1000;
      figures.rollbackRecordedSeconds = rollback.seconds;
      const window = load.window(0, Date.now());
      figures.rollbackLoadRequests = window.totalRequests;
      expect(window.failures).toEqual({});
      expect(load.created.length).toBeGreaterThan(0);
      rows = [...rows, ...load.created];
      expect(await unreadableRows(baseUrl, rows)).toEqual([]);
    });

    it("refuses to decommission Flask while routes still send it traffic, and leaves it running", async () => {
      await expect(stacks.destroyLegacy()).rejects.toThrow();
      expect(kubectl("-n", NAMESPACE, "get", "deployment", "flask", "-o", "jsonpath={.status.readyReplicas}")).toBe(
        "1",
      );
    });

    it("keeps the database's claim through the platform's destroy, and the next deploy reads every row again", async () => {
      await stacks.legacy.setConfig("legacy-flask:forceDecommission", { value: "true" });
      await stacks.legacy.up({ onOutput: progressPrinter("k8s legacy (guard off)") });
      await stacks.destroyLegacy();
      const started = Date.now();
      await stacks.platform.destroy({ onOutput: progressPrinter("k8s platform destroy") });
      figures.platformDestroySeconds = (Date.now() - started) / 1000;
      expect(kubectl("-n", NAMESPACE, "get", "pvc", "postgres-data", "-o", "jsonpath={.status.phase}")).toBe("Bound");
      expect(kubectl("-n", NAMESPACE, "get", "deployments,statefulsets,services", "-o", "name")).toBe("");

      figures.redeployUpSeconds = (await stacks.upPlatform()).seconds;
      baseUrl = await stacks.platformOutput<string>("ingressUrl");
      // Flask is gone: every row is read through FastAPI, which the override header reaches at any weight.
      expect(await unreadableRows(baseUrl, rows, { [OVERRIDE_HEADER]: "fastapi" })).toEqual([]);
    });
  },
);
