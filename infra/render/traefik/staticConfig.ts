import { dump } from "js-yaml";
import { LATENCY_BUCKETS_SECONDS } from "../../monitoring/latencyBuckets";
import { UPSTREAM_TIMEOUTS } from "../upstreamTimeouts";
import { localPluginsConfig } from "./localPlugins";
import { METRICS_ENTRY_POINT, TRAEFIK_HTTP_PORT, TRAEFIK_METRICS_PORT } from "./ports";

/**
 * Where Traefik reads its routing: a watched directory (Docker), or the Kubernetes CRD objects of one namespace, where
 * a Service without ready endpoints answers 503 rather than dropping the route that names it.
 */
export type TraefikRoutingProvider = { readonly directory: string } | { readonly kubernetesNamespace: string };

function providerSection(provider: TraefikRoutingProvider) {
  return "directory" in provider
    ? { file: { directory: provider.directory, watch: true } }
    : {
        kubernetesCRD: {
          namespaces: [provider.kubernetesNamespace],
          allowEmptyServices: true,
          // Nodes and IngressClasses are cluster-wide, and a stack's Traefik may read its own namespace only.
          disableClusterScopeResources: true,
        },
      };
}

/** Traefik's install-time configuration: entry points, where the routing comes from, metrics. No routing in here. */
export function renderTraefikStaticConfig(routing: TraefikRoutingProvider): string {
  return dump(
    {
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      entryPoints: {
        web: { address: `:${TRAEFIK_HTTP_PORT}` },
        [METRICS_ENTRY_POINT]: { address: `:${TRAEFIK_METRICS_PORT}` },
      },
      // Traefik waits this long after a provider event before applying it (2s by default); a publish is one atomic
      // rename (or a few object updates), so there is little to batch and the wait is delay in every step and rollback.
      providers: { providersThrottleDuration: "200ms", ...providerSection(routing) },
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
          entryPoint: METRICS_ENTRY_POINT,
          addEntryPointsLabels: true,
          addRoutersLabels: true,
          addServicesLabels: true,
          buckets: [...LATENCY_BUCKETS_SECONDS],
        },
      },
      ping: { entryPoint: METRICS_ENTRY_POINT },
      // Every project plugin, whether or not the routing uses it: using one is a routing change, not a restart.
      experimental: localPluginsConfig,
      log: { level: "INFO" },
    },
    { lineWidth: -1, noRefs: true },
  );
}
