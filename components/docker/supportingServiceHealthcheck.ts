import type * as docker from "@pulumi/docker";

/**
 * The health check of a supporting service (monitoring, logs): probed every 5 s, 3 s to answer, unhealthy after 5
 * misses in a row. With `wait: true` on its container, `pulumi up` returns only once the service answers.
 */
export function supportingServiceHealthcheck(tests: string[]): docker.types.input.ContainerHealthcheck {
  return { tests, interval: "5s", timeout: "3s", retries: 5, startPeriod: "5s" };
}
