import { dump } from "js-yaml";
import { LATENCY_BUCKETS_SECONDS } from "../../monitoring/latencyBuckets";
import { UPSTREAM_TIMEOUTS } from "../upstreamTimeouts";
import { failoverRetryPluginConfig } from "./failoverRetryPlugin";
import { TRAEFIK_HTTP_PORT, TRAEFIK_METRICS_PORT } from "./ports";

/** Traefik's install-time configuration: entry points, the watched routing directory, metrics. No routing in here. */
export function renderTraefikStaticConfig(routingDirectory: string): string {
  return dump(
    {
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      entryPoints: {
        web: { address: `:${TRAEFIK_HTTP_PORT}` },
        metrics: { address: `:${TRAEFIK_METRICS_PORT}` },
      },
      // Traefik waits this long after a provider event before applying it (2s by default); a publish is one atomic
      // rename, so there is nothing to batch and the wait is pure delay in every cutover step and rollback.
      providers: { providersThrottleDuration: "200ms", file: { directory: routingDirectory, watch: true } },
      // The apps close idle keep-alive connections long before Traefik's default 90s: see UPSTREAM_TIMEOUTS.idleSeconds.
      serversTransport: {
        forwardingTimeouts: {
          idleConnTimeout: `${UPSTREAM_TIMEOUTS.idleSeconds}s`,
          dialTimeout: `${UPSTREAM_TIMEOUTS.connectSeconds}s`,
          responseHeaderTimeout: `${UPSTREAM_TIMEOUTS.responseSeconds}s`,
        },
      },
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
      // Loaded whether or not failover is on, so that turning it on or off is a routing change, not a restart.
      experimental: failoverRetryPluginConfig,
      log: { level: "INFO" },
    },
    { lineWidth: -1, noRefs: true },
  );
}
