import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The Traefik CRDs whose objects the platform creates (kubernetesRouting.ts). */
const TRAEFIK_CRDS = ["ingressroutes.traefik.io", "middlewares.traefik.io", "traefikservices.traefik.io"];

/**
 * Reads the cluster-wide objects a stack needs but never owns (scripts/kubernetes/traefik-crds.sh installs them once
 * per cluster). Everything the stack creates waits for these reads, so a cluster without them stops the update, and
 * the preview, before anything is created, naming the missing definition.
 */
export function clusterPrerequisites(provider: pulumi.ProviderResource | undefined): pulumi.Resource[] {
  return TRAEFIK_CRDS.map((name) =>
    k8s.apiextensions.v1.CustomResourceDefinition.get(`prerequisite-${name}`, name, { provider }),
  );
}
