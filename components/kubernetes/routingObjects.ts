import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesObject } from "../../infra/render/kubernetesObject";
import { managedByRouting } from "./routingFieldManager";

/**
 * The routing as the objects Traefik watches: a weight step updates them in place (server-side apply) and Traefik
 * picks the change up from its watch, with no pod restarted and no file synced by the kubelet.
 */
export class RoutingObjects extends pulumi.ComponentResource {
  /** Resolves once every object is applied. */
  readonly applied: pulumi.Output<string[]>;

  constructor(name: string, objects: readonly KubernetesObject[], opts?: pulumi.ComponentResourceOptions) {
    super("migration:kubernetes:RoutingObjects", name, {}, opts);
    const resources = objects.map(
      (object) =>
        new k8s.apiextensions.CustomResource(
          `${object.kind.toLowerCase()}-${object.metadata.name}`,
          managedByRouting(object),
          {
            parent: this,
          },
        ),
    );
    this.applied = pulumi.all(resources.map((resource) => resource.metadata.name));
    this.registerOutputs({ applied: this.applied });
  }
}
