import { dump } from "js-yaml";
import { LATENCY_BUCKETS_SECONDS } from "../../monitoring/latencyBuckets";
import { BACKENDS } from "../../routing/plan";
import { TRAEFIK_HOP_PORTS, TRAEFIK_HTTP_PORT, TRAEFIK_METRICS_PORT } from "./ports";

/** Traefik's install-time configuration: entry points, the watched routing directory, metrics. No routing in here. */
export function renderTraefikStaticConfig(routingDirectory: string): string {
  const hopEntryPoints = Object.fromEntries(
    BACKENDS.map((backend) => [
      `hop-${backend}`,
      // The hop receives requests from Traefik itself; trusting loopback keeps the client's X-Forwarded-* intact.
      { address: `127.0.0.1:${TRAEFIK_HOP_PORTS[backend]}`, forwardedHeaders: { trustedIPs: ["127.0.0.1/32"] } },
    ]),
  );
  return dump(
    {
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      entryPoints: {
        web: { address: `:${TRAEFIK_HTTP_PORT}` },
        metrics: { address: `:${TRAEFIK_METRICS_PORT}` },
        ...hopEntryPoints,
      },
      // Traefik waits this long after a provider event before applying it (2s by default); a publish is one atomic
      // rename, so there is nothing to batch and the wait is pure delay in every cutover step and rollback.
      providers: { providersThrottleDuration: "200ms", file: { directory: routingDirectory, watch: true } },
      metrics: {
        prometheus: {
          entryPoint: "metrics",
          addEntryPointsLabels: true,
          addRoutersLabels: true,
          addServicesLabels: true,
          buckets: [...LATENCY_BUCKETS_SECONDS],
        },
      },
      ping: { entryPoint: "metrics" },
      log: { level: "INFO" },
    },
    { lineWidth: -1, noRefs: true },
  );
}
