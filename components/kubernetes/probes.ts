import type { HealthCheck } from "../../infra/plan/platformPlan";

/**
 * The readiness probe of a plan's health check: over HTTP where the check has an endpoint (the kubelet needs no
 * interpreter in the image for it), else its command.
 */
export function readinessProbe(check: HealthCheck) {
  return {
    ...(check.http
      ? { httpGet: { path: check.http.path, port: check.http.port } }
      : { exec: { command: [...check.command] } }),
    periodSeconds: check.intervalSeconds,
    timeoutSeconds: check.timeoutSeconds,
    failureThreshold: check.retries,
  };
}

/**
 * Liveness asks only whether the process still listens: a slow answer, or a database that is down, must take a pod out
 * of its Service (readiness), never restart it.
 */
export function livenessProbe(port: number, check: HealthCheck) {
  return {
    tcpSocket: { port },
    initialDelaySeconds: check.startPeriodSeconds,
    periodSeconds: 10,
    timeoutSeconds: check.timeoutSeconds,
    failureThreshold: 6,
  };
}
