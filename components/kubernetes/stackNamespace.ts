import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * The stack's own namespace. Deleting a namespace deletes every claim in it, so while the database is to outlive the
 * stack (`database.retainOnDestroy`) the namespace stays too, with the claim alone left in it; the next `up` takes both
 * over again (server-side apply creates what exists by updating it).
 */
export function stackNamespace(
  name: string,
  retain: boolean,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    "namespace",
    { metadata: { name, labels: { "app.kubernetes.io/part-of": "migration" } } },
    { ...opts, retainOnDelete: retain },
  );
}
