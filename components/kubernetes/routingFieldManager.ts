import type { KubernetesObject } from "../../infra/render/kubernetesObject";

/**
 * The server-side apply field manager of the routing objects, for both writers: the platform program (through the
 * Pulumi provider, which takes it from this annotation instead of a random name of its own) and the cutover command's
 * fast rollback. One manager means the update that records a rollback applies over the command's write with no
 * conflict, and never leaves a field owned by a manager nobody applies again. Both also force their write: the stack's
 * config is the one truth of these objects, so a hand edit (or a manager of an older deploy) gives way to it.
 */
export const ROUTING_FIELD_MANAGER = "migration-routing";

export function managedByRouting(object: KubernetesObject): KubernetesObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...object.metadata.annotations,
        "pulumi.com/patchFieldManager": ROUTING_FIELD_MANAGER,
        "pulumi.com/patchForce": "true",
      },
    },
  };
}
