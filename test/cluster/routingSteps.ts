import { expect } from "vitest";
import type { E2EStacks } from "../e2e/e2eStacks";
import { query } from "../e2e/prometheusFigures";
import { unreadableRows } from "../e2e/rows";
import { sampleSplit } from "../e2e/splitSample";
import { SteadyLoad, type CreatedRow } from "../e2e/steadyLoad";
import { waitFor } from "../support/processes";
import { SERIES } from "../../infra/monitoring/seriesNames";

/**
 * The steps both routing flavours of the Kubernetes target take the same way on the local cluster (kubernetesTarget
 * and gatewayFlavour tests), each returning its figures. Deployed stacks, the ingress's URL and Prometheus's.
 */
export interface DeployedJourney {
  readonly stacks: E2EStacks;
  readonly baseUrl: string;
  readonly prometheusUrl: string;
}

/** The default route's weight as Prometheus records it from the weights Traefik serves; undefined without one. */
async function publishedDefaultWeight(prometheusUrl: string): Promise<number | undefined> {
  const [sample] = await query(prometheusUrl, `${SERIES.configuredWeight}{route="default"}`);
  return sample && Number(sample.value[1]);
}

/**
 * Until Prometheus records the default route's weight as `weight`: a recording rule over the published weights, so a
 * scrape and a rule evaluation after they change (longer on a first deploy, while the weights' target comes up).
 */
export async function untilPublishedWeight(prometheusUrl: string, weight: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `Prometheus's weight of the default route at ${weight}`,
    async () => (await publishedDefaultWeight(prometheusUrl)) === weight || undefined,
    timeoutMs,
    250,
  );
}

/**
 * The default route from 10% to 50% by config and `pulumi up`: the preview must update `updatedObjects` routing objects
 * and create, replace or delete nothing; then the seconds of the update, until the traffic shows the new split, and
 * until Prometheus reads the new weight.
 */
export async function weightStepTo50(
  { stacks, baseUrl, prometheusUrl }: DeployedJourney,
  updatedObjects: number,
): Promise<Record<string, number>> {
  await stacks.setWeights(50, []);
  const preview = await stacks.previewPlatform();
  expect(preview.update).toBe(updatedObjects);
  // Besides those updates, only reads (the cluster's prerequisites) and unchanged resources.
  for (const operation of ["create", "replace", "delete", "create-replacement", "delete-replaced"] as const)
    expect(preview[operation] ?? 0, operation).toBe(0);
  const step = await stacks.upPlatform();
  const settled = await waitFor(
    "the default route at 50%",
    async () => {
      const split = await sampleSplit(baseUrl, { method: "GET", path: "/healthz" }, 400);
      return Math.abs(split.fastapi / split.requests - 0.5) <= 0.02 ? split : undefined;
    },
    30_000,
    500,
  );
  const settledSeconds = (Date.now() - step.returnedAt) / 1000;
  expect(settled.unattributed).toBe(0);
  await untilPublishedWeight(prometheusUrl, 50);
  return {
    weightStepUpSeconds: step.seconds,
    weightStepSettledSecondsAfterUp: settledSeconds,
    weightSeenByPrometheusSecondsAfterUp: (Date.now() - step.returnedAt) / 1000,
  };
}

/**
 * `cutover rollback` under a steady load of reads and writes: no failed request, no apply conflict, Prometheus reading
 * the rolled-back weight (the fast path applies the published weights too), and every row still readable. The rows the
 * load wrote, and the figures: when the last FastAPI response came and when the rollback was recorded.
 */
export async function rollbackUnderLoad(
  { stacks, baseUrl, prometheusUrl }: DeployedJourney,
  rows: readonly CreatedRow[],
  reason: string,
): Promise<{ rows: CreatedRow[]; figures: Record<string, number> }> {
  const users = rows.filter((row) => row.kind === "users").map((row) => row.id);
  const load = new SteadyLoad(baseUrl, users, 30, 4);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const started = Date.now();
  const rollback = await stacks.cutover(["rollback", "--reason", reason]);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await load.stop();
  expect(rollback.exitCode).toBe(0);
  expect(rollback.output).not.toMatch(/conflict/i);
  const lastFastapi = Math.max(
    ...load.responses.filter((response) => response.backend === "fastapi").map((response) => response.at),
  );
  const window = load.window(0, Date.now());
  await untilPublishedWeight(prometheusUrl, 0);
  expect(window.failures).toEqual({});
  expect(load.created.length).toBeGreaterThan(0);
  const all = [...rows, ...load.created];
  expect(await unreadableRows(baseUrl, all)).toEqual([]);
  return {
    rows: all,
    figures: {
      rollbackTrafficOnFlaskSeconds: (lastFastapi - started) / 1000,
      rollbackRecordedSeconds: rollback.seconds,
      rollbackLoadRequests: window.totalRequests,
    },
  };
}
