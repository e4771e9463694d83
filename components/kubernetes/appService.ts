import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { workloadLabels } from "./labels";
import { podsServiceName } from "./targetSettings";

/**
 * A ClusterIP Service named `name` in front of the pods of app `selects`. The platform owns every Service in front of
 * the apps, Flask's too: Traefik drops a route that names a Service that does not exist, so Flask's must exist before
 * (and whatever happens to) the legacy stack that runs its pods; without ready pods it answers 503, and the other
 * backend takes over where failover allows.
 */
export function appService(
  name: string,
  selects: string,
  port: number,
  namespace: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Service {
  return new k8s.core.v1.Service(
    name,
    {
      // Pulumi would wait for a ready pod behind it: Flask's may have none (before or after the legacy stack).
      metadata: { namespace, name, annotations: { "pulumi.com/skipAwait": "true" } },
      spec: { selector: workloadLabels(selects), ports: [{ name: "http", port, targetPort: port }] },
    },
    opts,
  );
}

/**
 * The headless Service whose name resolves to the address of every pod of a workload, ready or not: how Prometheus
 * finds each replica to scrape (a pod that fails its readiness probe still has figures worth reading).
 */
export function podsService(
  workload: string,
  port: number,
  namespace: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Service {
  return new k8s.core.v1.Service(
    podsServiceName(workload),
    {
      metadata: { namespace, name: podsServiceName(workload), annotations: { "pulumi.com/skipAwait": "true" } },
      spec: {
        clusterIP: "None",
        publishNotReadyAddresses: true,
        selector: workloadLabels(workload),
        ports: [{ name: "metrics", port, targetPort: port }],
      },
    },
    opts,
  );
}
