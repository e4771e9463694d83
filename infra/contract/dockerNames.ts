/**
 * Names on the Docker engine that the platform program and the cutover command must agree on: the command writes the
 * routing straight into the ingress's volume when it rolls back (see cli/commands/rollback.ts).
 */
export const stablePrefix = (project: string, stack: string) => `${project}-${stack.split("/").pop()}`;

export const routingVolumeName = (prefix: string) => `${prefix}-routing`;

/**
 * How the Docker engine names the platform's containers, which the log agent reads a `service` label from: Pulumi's
 * auto-naming gives each container its resource name plus `-` and 7 random hex digits, and the app replicas' resource
 * names are `<service>-<index>` (AppService, used by both stacks). So `fastapi-1-3fa9c01` is replica 1 of fastapi,
 * `ingress-b41d2e7` the ingress. Written for Prometheus-style relabelling (RE2, matched against the whole name).
 */
export const CONTAINER_NAME_PATTERN = {
  /** $1: the resource name without its replica index (the service). */
  service: "(.+?)(?:-[0-9]+)?-[0-9a-f]{7}",
  /** $1: the replica index, for app replicas only. */
  replica: ".+?-([0-9]+)-[0-9a-f]{7}",
} as const;
