import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { workloadLabels } from "./labels";

/**
 * The ClusterIP Service in front of one app's pods. The platform owns both apps' Services, Flask's too: Traefik drops
 * a route that names a Service that does not exist, so Flask's must exist before (and whatever happens to) the legacy
 * stack that runs its pods; without ready pods it answers 503, and the other backend takes over where failover allows.
 */
export function appService(
  host: string,
  port: number,
  namespace: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Service {
  return new k8s.core.v1.Service(
    host,
    {
      // Pulumi would wait for a ready pod behind it: Flask's may have none (before or after the legacy stack).
      metadata: { namespace, name: host, annotations: { "pulumi.com/skipAwait": "true" } },
      spec: { selector: workloadLabels(host), ports: [{ name: "http", port, targetPort: port }] },
    },
    opts,
  );
}
