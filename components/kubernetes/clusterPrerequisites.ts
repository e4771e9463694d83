import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { GatewayReference } from "../../infra/render/gateway/httpRoutes";

/**
 * The Traefik CRDs whose objects the platform creates (kubernetesRouting.ts): behind a Gateway too, where the stack's
 * Traefik still serves the weights from them.
 */
const TRAEFIK_CRDS = ["ingressroutes.traefik.io", "middlewares.traefik.io", "traefikservices.traefik.io"];
const HTTP_ROUTE_CRD = "httproutes.gateway.networking.k8s.io";

/**
 * Reads the cluster-wide objects a stack needs but never owns (scripts/kubernetes/traefik-crds.sh installs Traefik's
 * once per cluster; a cluster that runs a Gateway has the Gateway API's), and the Gateway its routes attach to, when
 * there is one. Everything the stack creates waits for these reads, so a cluster without them stops the update, and the
 * preview, before anything is created, naming what is missing.
 */
export function clusterPrerequisites(
  provider: pulumi.ProviderResource | undefined,
  gateway: GatewayReference | undefined,
): pulumi.Resource[] {
  const definitions = [...TRAEFIK_CRDS, ...(gateway ? [HTTP_ROUTE_CRD] : [])].map((name) =>
    k8s.apiextensions.v1.CustomResourceDefinition.get(`prerequisite-${name}`, name, { provider }),
  );
  if (!gateway) return definitions;
  const attachedTo = k8s.apiextensions.CustomResource.get("prerequisite-gateway", {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    id: `${gateway.namespace}/${gateway.name}`,
    provider,
    dependsOn: definitions,
  });
  return [...definitions, attachedTo];
}
