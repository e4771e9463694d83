import type { HealthCheck } from "./platformPlan";

/**
 * Probes an app's health path with the standard library of whichever Python the image has: the legacy image runs 2.7
 * (urllib2), the FastAPI image 3.x (urllib.request), and neither ships curl.
 */
export function pythonHealthCheck(port: number, path: string): HealthCheck {
  const script =
    "import sys;" +
    "m=__import__('urllib.request' if sys.version_info[0]>2 else 'urllib2',fromlist=['urlopen']);" +
    `m.urlopen('http://127.0.0.1:${port}${path}',timeout=2)`;
  return {
    command: ["python", "-c", script],
    http: { port, path },
    intervalSeconds: 5,
    timeoutSeconds: 3,
    retries: 3,
    startPeriodSeconds: 10,
  };
}

/**
 * The check of a supporting service (monitoring, logs): probed every 5 s, 3 s to answer, unhealthy after 5 misses in a
 * row. The platform's update returns only once such a service answers.
 */
export function supportingServiceCheck(command: readonly string[], http?: HealthCheck["http"]): HealthCheck {
  return { command, http, intervalSeconds: 5, timeoutSeconds: 3, retries: 5, startPeriodSeconds: 5 };
}
