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
 * of its Service (readiness), never restart it. With the plan's health check, it waits out the check's start period
 * and allows its timeout.
 */
export function livenessProbe(port: number, check?: HealthCheck) {
  return {
    tcpSocket: { port },
    ...(check ? { initialDelaySeconds: check.startPeriodSeconds, timeoutSeconds: check.timeoutSeconds } : {}),
    periodSeconds: 10,
    failureThreshold: 6,
  };
}

/**
 * A stopping pod keeps serving this long after it leaves its Service's endpoints, while the ingress (or the node's
 * proxy, in front of the ingress) stops sending it requests.
 */
export const DRAIN_LIFECYCLE = { preStop: { sleep: { seconds: 5 } } };
