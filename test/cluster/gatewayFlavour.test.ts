import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { E2EStacks } from "../e2e/e2eStacks";
import { query } from "../e2e/prometheusFigures";
import { writeRowsThroughBothApps } from "../e2e/rows";
import { sampleSplit } from "../e2e/splitSample";
import type { CreatedRow } from "../e2e/steadyLoad";
import { clusterGateway, KUBECONFIG, kubectl, REGISTRY, STORAGE_CLASS } from "../support/localCluster";
import { waitFor } from "../support/processes";
import {
  clusterNamespace,
  clusterTestSkipReason,
  finishClusterStacks,
  freshClusterStacks,
  useOwnBackend,
} from "./clusterSteps";
import { rollbackUnderLoad, untilPublishedWeight, weightStepTo50 } from "./routingSteps";
import { SERIES } from "../../infra/monitoring/seriesNames";

// The Gateway API flavour of the Kubernetes target on the real local cluster: the dev stage's routes attached as
// HTTPRoutes to a Gateway the cluster runs (`cluster.sh gateway`: Traefik's Gateway API provider, standing in for the
// Gateway a user's cluster already has), both apps serving one database through it, the per-route figures read from the
// apps' own series, a weight step that changes only the HTTPRoute and the published weights, and a rollback through the
// cutover command under load. Figures go to reports/kubernetes-gateway.json.
const IMAGES = [
  "migration/fastapi:0.2.0",
  "migration/legacy-flask:0.2.0",
  "migration/postgres:15-bookworm",
  "migration/traefik:v3.6.12",
  "migration/prometheus:2.42-bookworm",
];
const STACK = "k8s-gateway";
const NAMESPACE = clusterNamespace(STACK);
const OVERRIDE_HEADER = "X-Backend";

const reason = clusterTestSkipReason("the Gateway API flavour test", IMAGES);

describe.skipIf(reason !== "")(
  `the Gateway API flavour on the local cluster${reason ? ` (skipped: ${reason})` : ""}`,
  { timeout: 10 * 60_000 },
  () => {
    let stacks: E2EStacks;
    let baseUrl = "";
    let prometheusUrl = "";
    let rows: CreatedRow[] = [];
    const figures: Record<string, number> = {};

    beforeAll(async () => {
      const { url, ...gateway } = clusterGateway();
      useOwnBackend(STACK);
      stacks = await freshClusterStacks({
        stack: STACK,
        images: IMAGES,
        overrides: {
          // What an HTTPRoute cannot do is refused: no sticky cookie, no failover.
          "migration:sticky": false,
          "migration:failover": false,
          // Prometheus alone: the figures under test are the apps' own series and the published weights.
          "migration:monitoring": { enabled: true, image: "migration/prometheus:2.42-bookworm", retention: "1d" },
          "migration:kubernetes": {
            kubeconfig: KUBECONFIG,
            imageRegistry: REGISTRY,
            storageClass: STORAGE_CLASS,
            databaseStorage: "1Gi",
            monitoringStorage: "1Gi",
            gateway: { ...gateway, url },
          },
          "migration:database": { image: "migration/postgres:15-bookworm", retainOnDestroy: false },
        },
      });
    }, 15 * 60_000);

    afterAll(() => finishClusterStacks(stacks, STACK, "kubernetes-gateway.json", figures), 10 * 60_000);

    it("deploys both stacks with the routes attached to the Gateway, which accepts every one", async () => {
      figures.platformUpSeconds = (await stacks.upPlatform()).seconds;
      figures.legacyUpSeconds = (await stacks.upLegacy()).seconds;
      baseUrl = await stacks.platformOutput<string>("ingressUrl");
      expect(baseUrl).toBe(clusterGateway().url);
      const accepted = kubectl(
        "-n",
        NAMESPACE,
        "get",
        "httproutes",
        "-o",
        'jsonpath={range .items[*]}{.metadata.name}={.status.parents[0].conditions[?(@.type=="Accepted")].status}{" "}{end}',
      );
      expect(accepted.split(" ").sort()).toEqual([
        "route-api-orders-post-put-patch-delete=True",
        "route-api-users-get-head=True",
        "route-default=True",
      ]);
    });

    it("serves both apps on one database through the Gateway, the override header included", async () => {
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

    it("reads each route's figures per backend from the apps' own series, and the weights from the stack's Traefik", async () => {
      prometheusUrl = await stacks.platformOutput<string>("prometheusUrl");
      await untilPublishedWeight(prometheusUrl, 10, 90_000);
      // The apps count /healthz nowhere: a GET of the orders (whose route takes their writes only) is the default route's.
      const requests = await waitFor(
        "the default route's requests per backend",
        async () => {
          await sampleSplit(baseUrl, { method: "GET", path: "/api/orders" }, 100);
          const samples = await query(prometheusUrl, `${SERIES.requestsInWindow}{route="default"}`);
          const of = (backend: string) =>
            Number(samples.find((sample) => sample.metric.backend === backend)?.value[1] ?? 0);
          return of("fastapi") > 0 && of("flask") > 0 ? { fastapi: of("fastapi"), flask: of("flask") } : undefined;
        },
        90_000,
        1_000,
      );
      figures.prometheusDefaultRouteFastapiShare = requests.fastapi / (requests.fastapi + requests.flask);
      const status = await stacks.cutover(["status"]);
      expect(status.exitCode).toBe(0);
      expect(status.output).toMatch(/^default +every other path \(defaultWeight\) +10% +\d+(\.\d+)?%/m);
    });

    it("takes a weight step as the HTTPRoute and the published weights updated, nothing else", async () => {
      Object.assign(figures, await weightStepTo50({ stacks, baseUrl, prometheusUrl }, 2));
    });

    it("rolls back through the cutover command under load, with no failed request", async () => {
      const rolledBack = await rollbackUnderLoad({ stacks, baseUrl, prometheusUrl }, rows, "Gateway API flavour test");
      Object.assign(figures, rolledBack.figures);
      rows = rolledBack.rows;
    });
  },
);
