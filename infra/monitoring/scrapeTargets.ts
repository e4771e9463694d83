import { splitAddress, type ScrapeTarget } from "../render/prometheusConfig";
import { BACKENDS, type BackendName, type BackendServers } from "../routing/plan";
import type { ScrapeDiscovery } from "./monitoringFacts";

/** Where both apps serve their Prometheus metrics (scraped directly, never through the ingress). */
const APP_METRICS_PATH = "/metrics";

export interface MonitoredEndpoints {
  /** The ingress's host (its workload name) and its metrics endpoint. */
  readonly ingress: { readonly host: string; readonly metricsPort: number; readonly metricsPath: string };
  /**
   * Both apps' replicas, as the routing plan is built from (`backendServers(config)`), not the plan's own backends: the
   * plan drops Flask once no route uses it, and a weight change must never rewrite prometheus.yml.
   */
  readonly servers: BackendServers;
  /** How the target lets Prometheus find the replicas. */
  readonly discovery: ScrapeDiscovery;
  /** `host:port` of a PostgreSQL exporter (the postgres_exporter convention is port 9187), when there is one. */
  readonly postgresExporter?: string;
  /** Where the ingress serves the configured weights, when it does (publishedWeights.ts); scraped as its own job. */
  readonly publishedWeightsPath?: string;
}

/**
 * Every scrape target of the migration: the ingress (its metrics, and its weights where it serves them), each replica
 * of each app (job = backend name), the database.
 */
export function monitoringScrapeTargets({
  ingress,
  servers,
  discovery,
  postgresExporter,
  publishedWeightsPath,
}: MonitoredEndpoints): ScrapeTarget[] {
  const everyPod = discovery.kind === "everyPod" ? { everyPod: true as const } : {};
  const hostOf = discovery.kind === "everyPod" ? discovery.hostOf : (workload: string) => workload;
  const ofIngress = (job: string, metricsPath: string): ScrapeTarget => ({
    job,
    address: `${hostOf(ingress.host)}:${ingress.metricsPort}`,
    metricsPath,
    ...everyPod,
  });
  const ofApp = (backend: BackendName): ScrapeTarget[] =>
    discovery.kind === "everyPod"
      ? [
          {
            job: backend,
            address: `${hostOf(backend)}:${splitAddress(servers[backend].servers[0]).port}`,
            metricsPath: APP_METRICS_PATH,
            ...everyPod,
          },
        ]
      : servers[backend].servers.map((address) => ({ job: backend, address, metricsPath: APP_METRICS_PATH }));
  return [
    ofIngress("ingress", ingress.metricsPath),
    ...(publishedWeightsPath ? [ofIngress("ingress-weights", publishedWeightsPath)] : []),
    ...BACKENDS.flatMap(ofApp),
    ...(postgresExporter ? [{ job: "postgres", address: postgresExporter, metricsPath: "/metrics" }] : []),
  ];
}
