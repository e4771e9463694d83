/**
 * Names on the Docker engine that the platform program and the cutover command must agree on: the command writes the
 * routing straight into the ingress's volume when it rolls back (see cli/commands/rollback.ts).
 */
export const stablePrefix = (project: string, stack: string) => `${project}-${stack.split("/").pop()}`;

export const routingVolumeName = (prefix: string) => `${prefix}-routing`;

/** What the Docker target exports beside the platform's contract: the legacy stack's Flask joins the platform network. */
export const DOCKER_PLATFORM_OUTPUTS = { networkName: "networkName" } as const;

/**
 * How the Docker engine names the platform's containers, which the log collector reads the `service` and `replica` of
 * a line from: Pulumi's auto-naming gives each container its resource name plus `-` and 7 random hex digits, and the app
 * replicas' resource names are `<service>-<index>` (AppService, used by both stacks). So `fastapi-1-3fa9c01` is replica
 * 1 of fastapi, `ingress-b41d2e7` the ingress. Named groups in the syntax both JavaScript and Go's RE2 (the collector)
 * accept; a name that does not match (a container attached by hand) has no groups, and keeps its whole name as service.
 */
export const CONTAINER_NAME_PATTERN = "^(?<service>.+?)(?:-(?<replica>[0-9]+))?-[0-9a-f]{7}$";
