import type { KubernetesObject } from "../../infra/render/traefik/kubernetesRouting";
import type { ClusterPlacement } from "./clusterPlacement";
import { managedByRouting, ROUTING_FIELD_MANAGER } from "./routingFieldManager";

/**
 * Applies routing objects straight to the cluster, server-side and all at once, as the platform program's update would,
 * under the same field manager (routingFieldManager.ts): Traefik sees the change on its watch within a second. The
 * kubeconfig is read as the Kubernetes provider reads it (the configured file and context, else $KUBECONFIG and
 * ~/.kube/config), so exec and token credentials work alike.
 */
export async function applyRoutingObjects(
  placement: Pick<ClusterPlacement, "kubeconfig" | "context">,
  objects: readonly KubernetesObject[],
): Promise<void> {
  // Loaded only on this path: the Kubernetes client is a large module that no other command needs.
  const k8s = await import("@kubernetes/client-node");
  const config = new k8s.KubeConfig();
  if (placement.kubeconfig) config.loadFromFile(placement.kubeconfig);
  else config.loadFromDefault();
  if (placement.context) config.setCurrentContext(placement.context);
  const client = k8s.KubernetesObjectApi.makeApiClient(config);
  await Promise.all(
    objects.map((object) =>
      client.patch(
        managedByRouting(object),
        undefined,
        undefined,
        ROUTING_FIELD_MANAGER,
        true,
        k8s.PatchStrategy.ServerSideApply,
      ),
    ),
  );
}
