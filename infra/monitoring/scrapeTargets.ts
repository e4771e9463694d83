import type { ScrapeTarget } from "../render/prometheusConfig";
import { BACKENDS, type BackendServers } from "../routing/plan";

/** Where both apps serve their Prometheus metrics (scraped directly, never through the ingress). */
const APP_METRICS_PATH = "/metrics";

export interface MonitoredEndpoints {
  /** The ingress's metrics endpoint. */
  readonly ingress: { readonly address: string; readonly metricsPath: string };
  /**
   * Both apps' replicas, as the routing plan is built from (`backendServers(config)`), not the plan's own backends: the
   * plan drops Flask once no route uses it, and a weight change must never rewrite prometheus.yml.
   */
  readonly servers: BackendServers;
  /** `host:port` of a PostgreSQL exporter (the postgres_exporter convention is port 9187), when there is one. */
  readonly postgresExporter?: string;
}

/** Every scrape target of the migration: the ingress, each replica of each app (job = backend name), the database. */
export function monitoringScrapeTargets({ ingress, servers, postgresExporter }: MonitoredEndpoints): ScrapeTarget[] {
  return [
    { job: "ingress", address: ingress.address, metricsPath: ingress.metricsPath },
    ...BACKENDS.flatMap((backend) =>
      servers[backend].servers.map((address) => ({ job: backend, address, metricsPath: APP_METRICS_PATH })),
    ),
    ...(postgresExporter ? [{ job: "postgres", address: postgresExporter, metricsPath: "/metrics" }] : []),
  ];
}
