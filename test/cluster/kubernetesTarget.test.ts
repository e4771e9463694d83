import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { E2EStacks } from "../e2e/e2eStacks";
import { query } from "../e2e/prometheusFigures";
import { unreadableRows, writeRowsThroughBothApps } from "../e2e/rows";
import { sampleSplit } from "../e2e/splitSample";
import type { CreatedRow } from "../e2e/steadyLoad";
import { freeReleasedVolumes, kubectl, progressPrinter, REGISTRY } from "../support/localCluster";
import { queryLogStore } from "../support/logPipeline";
import { waitFor } from "../support/processes";
import { stackFileConfig } from "../support/stackConfig";
import {
  clusterNamespace,
  clusterTestSkipReason,
  finishClusterStacks,
  freshClusterStacks,
  LOCAL_CLUSTER_SETTINGS,
  PLATFORM_IMAGES,
  useOwnBackend,
} from "./clusterSteps";
import { rollbackUnderLoad, untilPublishedWeight, weightStepTo50 } from "./routingSteps";
import { SERIES } from "../../infra/monitoring/seriesNames";

// The platform's Kubernetes target on the real local cluster, end to end: the dev stage moved to the cluster (as
// docs/kubernetes.md tells a user to), the platform and the legacy stack deployed, both apps serving one database
// through Traefik's routing objects, a weight step that changes one object, a rollback through the cutover command
// under load, the decommission guard, and a destroy that keeps the database's claim for the next deploy. Figures go to
// reports/kubernetes-target.json. Like the cluster's own checks, it starts the cluster when its binaries are built.
const STACK = "k8s-target";
const NAMESPACE = clusterNamespace(STACK);
const OVERRIDE_HEADER = "X-Backend";

const reason = clusterTestSkipReason("the Kubernetes target test", PLATFORM_IMAGES);

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
    let prometheusUrl = "";
    /** Rows written through either app, every one of which must stay readable. */
    let rows: CreatedRow[] = [];
    const figures: Record<string, number> = {};

    beforeAll(async () => {
      useOwnBackend(STACK);
      stacks = await freshClusterStacks({
        stack: STACK,
        images: PLATFORM_IMAGES,
        overrides: {
          "migration:monitoring": JSON.parse(stackFileConfig("Pulumi.dev.yaml")["migration:monitoring"]),
          "migration:kubernetes": LOCAL_CLUSTER_SETTINGS,
          "migration:database": { image: "migration/postgres:15-bookworm", retainOnDestroy: true },
        },
      });
    }, 15 * 60_000);

    // The stage keeps the database's claim through a destroy; the test's own data goes with its namespace.
    afterAll(() => finishClusterStacks(stacks, STACK, "kubernetes-target.json", figures), 10 * 60_000);

    it("deploys the platform and the legacy stack, every image pulled from the cluster's registry", async () => {
      figures.platformUpSeconds = (await stacks.upPlatform()).seconds;
      figures.legacyUpSeconds = (await stacks.upLegacy()).seconds;
      baseUrl = await stacks.platformOutput<string>("ingressUrl");
      const nodeAddress = LOCAL_CLUSTER_SETTINGS.ingressService.address;
      expect(baseUrl).toMatch(new RegExp(`^http://${nodeAddress.replace(/\./g, "\\.")}:3\\d{4}$`));
      expect(new Set(podImages())).toEqual(new Set(PLATFORM_IMAGES.map((image) => `${REGISTRY}/${image}`)));
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

    it("scrapes every pod it finds by DNS, and reads each route's figures per backend from Traefik", async () => {
      prometheusUrl = await stacks.platformOutput<string>("prometheusUrl");
      // The dev stage's replicas: Traefik (its metrics and its weights), FastAPI's two, Flask's one, the exporter.
      const expected = { ingress: 1, "ingress-weights": 1, fastapi: 2, flask: 1, postgres: 1 };
      const started = Date.now();
      await waitFor(
        "every scrape target up",
        async () => {
          const up: Record<string, number> = {};
          for (const sample of await query(prometheusUrl, "up == 1"))
            up[sample.metric.job] = (up[sample.metric.job] ?? 0) + 1;
          const jobs = new Set([...Object.keys(up), ...Object.keys(expected)]);
          return [...jobs].every((job) => up[job] === expected[job as keyof typeof expected]) || undefined;
        },
        90_000,
        1_000,
      );
      figures.everyTargetUpSeconds = (Date.now() - started) / 1000;
      await untilPublishedWeight(prometheusUrl, 10);
      // A route's series start with its first requests, which `increase` cannot count: it needs more.
      const requests = await waitFor(
        "the default route's requests per backend",
        async () => {
          await sampleSplit(baseUrl, { method: "GET", path: "/healthz" }, 100);
          const samples = await query(prometheusUrl, `${SERIES.requestsInWindow}{route="default"}`);
          const of = (backend: string) =>
            Number(samples.find((sample) => sample.metric.backend === backend)?.value[1] ?? 0);
          return of("fastapi") > 0 && of("flask") > 0 ? { fastapi: of("fastapi"), flask: of("flask") } : undefined;
        },
        60_000,
        1_000,
      );
      figures.prometheusDefaultRouteFastapiShare = requests.fastapi / (requests.fastapi + requests.flask);
      // The cutover command asks Prometheus through the API server (the way that works from outside the cluster).
      const status = await stacks.cutover(["status"]);
      expect(status.exitCode).toBe(0);
      expect(status.output).toMatch(/; figures over the last \d+m\n/);
      expect(status.output).toMatch(/^default +every other path \(defaultWeight\) +10% +\d+(\.\d+)?%/m);
    });

    it("ships every pod's lines to VictoriaLogs, labelled with the workload and the pod", async () => {
      const logsUrl = await stacks.platformOutput<string>("logsUrl");
      const store = new URL(logsUrl).origin;
      const started = Date.now();
      const rows = await waitFor(
        "FastAPI's and Flask's lines in VictoriaLogs",
        async () => {
          const found = await queryLogStore(store, "service:in(fastapi, flask) | limit 1000");
          const services = new Set(found.map((row) => row.service));
          return services.has("fastapi") && services.has("flask") ? found : undefined;
        },
        60_000,
        1_000,
      );
      figures.logsFoundSeconds = (Date.now() - started) / 1000;
      const pods = kubectl("-n", NAMESPACE, "get", "pods", "-o", "jsonpath={.items[*].metadata.name}").split(" ");
      for (const row of rows) {
        expect(pods, JSON.stringify(row)).toContain(row.container);
        expect(row["k8s.namespace.name"]).toBe(NAMESPACE);
        expect(["stdout", "stderr"]).toContain(row.stream);
      }
    });

    it("takes a weight step as the routing objects updated, nothing else, and serves the new split", async () => {
      // The default route's TraefikService and the weights Traefik serves to Prometheus.
      Object.assign(figures, await weightStepTo50({ stacks, baseUrl, prometheusUrl }, 2));
    });

    it("rolls back through the cutover command under load, with no failed request and no apply conflict", async () => {
      const rolledBack = await rollbackUnderLoad({ stacks, baseUrl, prometheusUrl }, rows, "Kubernetes target test");
      Object.assign(figures, rolledBack.figures);
      rows = rolledBack.rows;
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
      // The claims the destroy deleted (monitoring's, the logs') left their volumes Released: offered again, the
      // redeploy takes those instead of three more of the cluster's eight, which the Gateway test shares.
      freeReleasedVolumes(NAMESPACE);

      figures.redeployUpSeconds = (await stacks.upPlatform()).seconds;
      baseUrl = await stacks.platformOutput<string>("ingressUrl");
      // Flask is gone: every row is read through FastAPI, which the override header reaches at any weight.
      expect(await unreadableRows(baseUrl, rows, { [OVERRIDE_HEADER]: "fastapi" })).toEqual([]);
    });
  },
);
