import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Where a workload's claim comes from: its size, and the storage class (the cluster's default when absent). */
export interface ClaimStorage {
  readonly storage: string;
  readonly storageClass?: string;
}

/**
 * A one-node claim for a workload's data, named `<workload>-data`, as a resource of the stack rather than of a claim
 * template, so that `retainOnDelete` can keep it. Not awaited: the provider waits for a WaitForFirstConsumer claim to be
 * Pending, which a claim kept from an earlier deploy (Bound) never is again; the pod, which Pulumi waits for, cannot
 * start without it.
 */
export function dataClaim(
  name: string,
  workload: string,
  namespace: pulumi.Input<string>,
  { storage, storageClass }: ClaimStorage,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.PersistentVolumeClaim {
  return new k8s.core.v1.PersistentVolumeClaim(
    name,
    {
      metadata: { namespace, name: `${workload}-data`, annotations: { "pulumi.com/skipAwait": "true" } },
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: storageClass,
        resources: { requests: { storage } },
      },
    },
    opts,
  );
}
