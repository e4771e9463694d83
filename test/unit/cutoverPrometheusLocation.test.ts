import { describe, expect, it } from "vitest";
import { loadStackView, readStackMetrics } from "../../cli/stackView";
import type { PrometheusLocation } from "../../cli/ports";
import { fakeDeps, fakeStack } from "../support/cutoverFakes";

/** Where the commands asked Prometheus, for a stack with these outputs. */
async function askedAt(outputs: Record<string, unknown>): Promise<PrometheusLocation[]> {
  const { stack } = fakeStack({ outputs });
  const { deps } = fakeDeps(stack);
  const asked: PrometheusLocation[] = [];
  const readMetrics = deps.readMetrics;
  await readStackMetrics(
    {
      ...deps,
      readMetrics: (location) => {
        asked.push(location);
        return readMetrics(location);
      },
    },
    await loadStackView(stack),
  );
  return asked;
}

describe("where the cutover command asks Prometheus", () => {
  it("asks a Docker stack's Prometheus at its URL", async () => {
    expect(await askedAt({})).toEqual([{ url: "http://127.0.0.1:9090" }]);
  });

  it("asks a Kubernetes stack's Prometheus at its Service, through the API server of the platform's cluster", async () => {
    const cluster = { namespace: "migration-prod", kubeconfig: "/etc/kubeconfig", context: "prod" };
    expect(
      await askedAt({
        prometheusUrl: "http://10.96.0.238:9090",
        kubernetesCluster: cluster,
        prometheusService: "prometheus:9090",
      }),
    ).toEqual([{ cluster, service: "prometheus:9090" }]);
  });
});
