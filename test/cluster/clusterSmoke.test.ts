import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerAnswers, ENGINE_TESTS_REQUIRED, imageExists } from "../support/engineTests";
import {
  claimedVolume,
  clusterAnswers,
  clusterBinariesCached,
  clusterCommand,
  httpStatus,
  kubectl,
  kubernetesPluginInstalled,
  progressPrinter,
  REGISTRY,
  SMOKE_IMAGES,
  smokeStack,
} from "../support/localCluster";
import { waitFor } from "../support/processes";
import { REPO_ROOT } from "../support/stackConfig";

// The local cluster is real: a Pulumi program (test/cluster/smoke-program) deploys the project's FastAPI image and
// PostgreSQL with a claim through the Kubernetes provider, images pulled from the cluster's registry, /healthz answers
// 200 through the Service, and destroy removes it all. It runs when the cluster is up or can start from its cached
// binaries (it then starts it, about a minute); otherwise it says why it did not. Under .ci/run, which starts the
// cluster first, a missing piece fails it instead.
function skipReason(): string {
  if (process.getuid?.() !== 0) return "the cluster needs root";
  if (!dockerAnswers()) return "no Docker engine answers (scripts/docker/ensure-engine.sh starts one)";
  const missing = SMOKE_IMAGES.filter((image) => !imageExists(image));
  if (missing.length > 0) return `missing images ${missing.join(", ")} (scripts/docker/build-images.sh builds them)`;
  if (!kubernetesPluginInstalled())
    return "the Pulumi Kubernetes provider is not installed (scripts/toolchain/ensure-pulumi.sh --with-kubernetes)";
  if (!clusterAnswers() && !clusterBinariesCached())
    return "no cluster runs and its binaries are not built yet (npm run cluster builds and starts it; cold, about 25 min)";
  return "";
}
const reason = skipReason();
if (reason && ENGINE_TESTS_REQUIRED) throw new Error(`the cluster smoke test cannot run: ${reason}`);
if (reason) console.warn(`cluster smoke test skipped: ${reason}`);

describe.skipIf(reason !== "")(`the local cluster, smoke-tested${reason ? ` (skipped: ${reason})` : ""}`, () => {
  let stack: Stack;
  let fastapiUrl = "";
  let namespace = "";
  let volume = "";
  const figures: Record<string, number> = {};
  const progress = progressPrinter("smoke");

  beforeAll(async () => {
    stack = await smokeStack("cluster-smoke", progress);
  }, 10 * 60_000);

  afterAll(() => {
    mkdirSync(join(REPO_ROOT, "reports"), { recursive: true });
    writeFileSync(join(REPO_ROOT, "reports", "cluster-smoke.json"), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`cluster smoke figures (reports/cluster-smoke.json): ${JSON.stringify(figures)}`);
  });

  it(
    "deploys FastAPI and PostgreSQL with a claim, the images pulled from the cluster's registry",
    async () => {
      const started = Date.now();
      const result = await stack.up({ onOutput: progress });
      figures.upSeconds = (Date.now() - started) / 1000;
      fastapiUrl = result.outputs.fastapiUrl.value as string;
      namespace = result.outputs.namespaceName.value as string;
      const images = kubectl("-n", namespace, "get", "pods", "-o", "jsonpath={.items[*].spec.containers[*].image}");
      expect(images.split(" ").sort()).toEqual(SMOKE_IMAGES.map((image) => `${REGISTRY}/${image}`).sort());
      volume = claimedVolume(namespace);
    },
    10 * 60_000,
  );

  it("answers 200 on /healthz through the Service", async () => {
    const started = Date.now();
    await waitFor(
      "FastAPI's /healthz through the Service",
      async () => ((await httpStatus(`${fastapiUrl}/healthz`)) === 200 ? true : undefined),
      60_000,
      500,
    );
    figures.healthySecondsAfterUp = (Date.now() - started) / 1000;
  }, 90_000);

  it(
    "destroys everything it created",
    async () => {
      const started = Date.now();
      await stack.destroy({ onOutput: progress });
      figures.destroySeconds = (Date.now() - started) / 1000;
      expect(kubectl("get", "namespaces", "-o", "name").split("\n")).not.toContain(`namespace/${namespace}`);
      // The claim went with the namespace; its volume keeps the data (Retain) until freed, as a test's data may be.
      expect(kubectl("get", "pv", volume, "-o", "jsonpath={.status.phase}")).toBe("Released");
      clusterCommand("free-volume", volume);
    },
    10 * 60_000,
  );
});
