import { z } from "zod";

/**
 * Where a stack's workloads go on a cluster, as the platform exports it for the legacy stack, whose Flask joins the
 * platform's namespace on the same cluster and pulls from the same registry.
 */
export const clusterPlacementSchema = z.object({
  namespace: z.string().min(1),
  /** Path of the kubeconfig; the provider's own lookup when absent. */
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  imageRegistry: z.string().optional(),
  /** Name of the platform's image pull Secret in the namespace. */
  imagePullSecret: z.string().optional(),
});

export type ClusterPlacement = z.infer<typeof clusterPlacementSchema>;

/**
 * The Kubernetes target's outputs beside the platform's contract: where its workloads are, and Prometheus's Service
 * (`<name>:<port>`) for the cutover command, which asks it through the API server.
 */
export const KUBERNETES_PLATFORM_OUTPUTS = {
  cluster: "kubernetesCluster",
  prometheusService: "prometheusService",
} as const;
