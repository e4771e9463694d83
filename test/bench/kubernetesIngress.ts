import { workloadLabels } from "../../components/kubernetes/labels";
import { backendServices } from "../../components/kubernetes/targetSettings";
import {
  clusterNamespace,
  clusterTestSkipReason,
  freshClusterStacks,
  LOCAL_CLUSTER_SETTINGS,
  PLATFORM_IMAGES,
} from "../cluster/clusterSteps";
import { devPlatformConfig } from "../support/configs";
import { deleteNamespaceAndItsVolumes, kubectl, runningPodCgroups } from "../support/localCluster";
import { cgroupCpuClock, hostCgroupVersion } from "./cgroupCpu";
import { CLIENT_CPU } from "./cpuPlacement";
import { benchUserPath, measureIngressRounds } from "./ingressRounds";
import { ingressRowName, judgeIngress, type IngressRow, type IngressRowKey } from "./ingressVerdict";

/**
 * The ingress section's Kubernetes row: the Kubernetes target's Traefik (its CRD flavour) on the local cluster, with
 * the Docker rows' stack config and measurement (ingressRounds.ts). Both paths start on the host and cross the node's
 * veth and one kube-proxy rule: straight to FastAPI is its Service's ClusterIP (the host routes the service range to
 * the node), with one replica always that replica; through the ingress is Traefik's NodePort on the node (the stack's
 * `ingressUrl`), from where Traefik reaches the same pod. The CPU per request comes from the two pods' cgroups.
 */
const STACK = "bench-kubernetes-traefik";
const NAMESPACE = clusterNamespace(STACK);

/**
 * Unpinned, for the reason its placement gives (FastAPI's pod asks for less CPU than its limit: Burstable). Changing
 * the pods' cpusets behind the kubelet's back instead would measure a placement no cluster runs.
 */
const ROW: IngressRowKey = {
  target: "kubernetes",
  ingress: "traefik",
  cpuPlacement: `unpinned: FastAPI, its database and Traefik on either core, beside the cluster's own processes, and wrk on core ${CLIENT_CPU} (taskset); the local cluster's kubelet runs without the static CPU manager, the only way a pod gets cores of its own (and then only a Guaranteed pod asking for whole CPUs, which FastAPI's is not)`,
};

/** A clock of the CPU the stack's one running pod of `workload` has used. */
function onlyPodCpuClock(workload: string): () => number {
  const groups = runningPodCgroups(NAMESPACE, workloadLabels(workload));
  if (groups.length !== 1)
    throw new Error(`expected one running ${workload} pod in ${NAMESPACE}, found ${groups.length}`);
  return cgroupCpuClock(
    hostCgroupVersion(),
    groups[0],
    `the ${workload} pod in ${NAMESPACE}`,
    "the local cluster's kubelet lays pods out with the cgroupfs driver, scripts/cluster/configs.sh",
  );
}

/**
 * The row measured on a stack of its own (`overrides` beside the dev stage's, as the Docker rows deploy), destroyed
 * afterwards with its namespace and volumes; or skipped, saying why, where the cluster cannot run (under `.ci/run`
 * that fails instead).
 */
export async function benchKubernetesIngress(overrides: Record<string, unknown>): Promise<IngressRow> {
  const skipped = clusterTestSkipReason("the ingress bench's Kubernetes row", PLATFORM_IMAGES);
  if (skipped) return { ...ROW, skipped };
  const stacks = await freshClusterStacks({
    stack: STACK,
    images: PLATFORM_IMAGES,
    overrides: { ...overrides, "migration:kubernetes": LOCAL_CLUSTER_SETTINGS },
  });
  try {
    await stacks.upPlatform();
    const ingressBaseUrl = await stacks.platformOutput<string>("ingressUrl");
    const path = await benchUserPath(ingressBaseUrl);
    const { name: fastapiService } = backendServices(
      devPlatformConfig({ target: "kubernetes", kubernetes: LOCAL_CLUSTER_SETTINGS }),
    ).fastapi;
    const fastapi = kubectl(
      "-n",
      NAMESPACE,
      "get",
      "service",
      fastapiService,
      "-o",
      "jsonpath={.spec.clusterIP}:{.spec.ports[0].port}",
    );
    const runs = measureIngressRounds(ingressRowName(ROW), {
      directUrl: `http://${fastapi}${path}`,
      ingressUrl: `${ingressBaseUrl}${path}`,
      cpuClocks: { ingress: onlyPodCpuClock("ingress"), app: onlyPodCpuClock("fastapi") },
    });
    return judgeIngress(ROW, runs);
  } finally {
    try {
      await stacks.tearDown();
    } finally {
      // Even after a failed destroy: the cluster has eight volumes, and a Released one is never offered again on its own.
      deleteNamespaceAndItsVolumes(NAMESPACE);
    }
  }
}
