import { readFileSync } from "node:fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlacement } from "./clusterPlacement";

/**
 * The provider for the cluster a placement names: its kubeconfig (kept secret: it may hold credentials) and context, or
 * the provider's own lookup ($KUBECONFIG, then ~/.kube/config) when none is configured.
 */
export function clusterProvider(
  name: string,
  placement: Pick<ClusterPlacement, "kubeconfig" | "context">,
): k8s.Provider {
  const { kubeconfig, context } = placement;
  return new k8s.Provider(name, {
    kubeconfig: kubeconfig === undefined ? undefined : pulumi.secret(readFileSync(kubeconfig, "utf8")),
    context,
  });
}
