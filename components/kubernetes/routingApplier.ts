import type { KubernetesObject } from "../../infra/render/kubernetesObject";
import type { ClusterPlacement } from "./clusterPlacement";
import { loadKubeConfig } from "./kubeConfig";
import { managedByRouting, ROUTING_FIELD_MANAGER } from "./routingFieldManager";

/**
 * Applies routing objects straight to the cluster, server-side and all at once, as the platform program's update would,
 * under the same field manager (routingFieldManager.ts): Traefik sees the change on its watch within a second.
 */
export async function applyRoutingObjects(
  placement: Pick<ClusterPlacement, "kubeconfig" | "context">,
  objects: readonly KubernetesObject[],
): Promise<void> {
  const k8s = await import("@kubernetes/client-node");
  const config = await loadKubeConfig(placement);
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
