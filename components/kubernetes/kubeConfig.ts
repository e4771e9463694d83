import type { KubeConfig } from "@kubernetes/client-node";
import type { ClusterPlacement } from "./clusterPlacement";

/**
 * The kubeconfig as the Kubernetes provider reads it: the configured file and context, else $KUBECONFIG and
 * ~/.kube/config, so that exec and token credentials work alike. The client is a large module that only the cutover
 * command's cluster paths need: it is loaded on first use.
 */
export async function loadKubeConfig(placement: Pick<ClusterPlacement, "kubeconfig" | "context">): Promise<KubeConfig> {
  const k8s = await import("@kubernetes/client-node");
  const config = new k8s.KubeConfig();
  if (placement.kubeconfig) config.loadFromFile(placement.kubeconfig);
  else config.loadFromDefault();
  if (placement.context) config.setCurrentContext(placement.context);
  return config;
}
