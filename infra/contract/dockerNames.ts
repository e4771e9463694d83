/**
 * Names on the Docker engine that the platform program and the cutover command must agree on: the command writes the
 * routing straight into the ingress's volume when it rolls back (see cli/commands/rollback.ts).
 */
export const stablePrefix = (project: string, stack: string) => `${project}-${stack.split("/").pop()}`;

export const routingVolumeName = (prefix: string) => `${prefix}-routing`;
