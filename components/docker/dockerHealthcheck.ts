import type * as docker from "@pulumi/docker";
import type { HealthCheck } from "../../infra/plan/platformPlan";

/** The engine runs a check inside the container; with `wait: true` on it, `pulumi up` returns once it passes. */
export function dockerHealthcheck(check: HealthCheck): docker.types.input.ContainerHealthcheck {
  return {
    tests: ["CMD", ...check.command],
    interval: `${check.intervalSeconds}s`,
    timeout: `${check.timeoutSeconds}s`,
    retries: check.retries,
    startPeriod: `${check.startPeriodSeconds}s`,
  };
}
