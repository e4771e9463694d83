import { dump } from "js-yaml";

/** Where Loki listens inside its container: the HTTP API (pushes from the agent, queries from Grafana and the host). */
export const LOKI_HTTP_PORT = 3100;
/** Loki's data directory: chunks, the TSDB index, the compactor's work and its delete requests; a volume. */
export const LOKI_DATA_DIRECTORY = "/loki";

export interface LokiSettings {
  /** How long log lines are kept, e.g. "7d" (at least 24h, as the schema enforces). */
  readonly retention: string;
}

/**
 * loki.yml for one Loki process holding everything on its own volume: no object store, no ring to join, no
 * authentication (tenant `fake`, reachable on the platform network and on the host's loopback only). The compactor
 * applies `retention`, deleting whole days of logs once they are older.
 */
export function renderLokiConfig({ retention }: LokiSettings): string {
  return dump(
    {
      auth_enabled: false,
      server: { http_listen_port: LOKI_HTTP_PORT, grpc_listen_port: 9095, log_level: "warn" },
      common: {
        path_prefix: LOKI_DATA_DIRECTORY,
        replication_factor: 1,
        // One instance: an in-memory ring, advertised on loopback (the container has no other peer to reach).
        ring: { kvstore: { store: "inmemory" } },
        instance_addr: "127.0.0.1",
        storage: {
          filesystem: {
            chunks_directory: `${LOKI_DATA_DIRECTORY}/chunks`,
            rules_directory: `${LOKI_DATA_DIRECTORY}/rules`,
          },
        },
      },
      schema_config: {
        // The current schema (v13, TSDB index), from a date before any deployment of this platform.
        configs: [
          {
            from: "2024-01-01",
            store: "tsdb",
            object_store: "filesystem",
            schema: "v13",
            index: { prefix: "index_", period: "24h" },
          },
        ],
      },
      limits_config: { retention_period: retention },
      compactor: {
        working_directory: `${LOKI_DATA_DIRECTORY}/compactor`,
        retention_enabled: true,
        delete_request_store: "filesystem",
      },
      // Lines reach a query as soon as they are pushed; the default 15 s wait before /ready only delays the first
      // `pulumi up`, since there is no ring of peers to settle.
      ingester: { lifecycler: { min_ready_duration: "0s" } },
      // No usage reports to Grafana Labs (and these machines could not send them anyway).
      analytics: { reporting_enabled: false },
    },
    { lineWidth: -1, noRefs: true },
  );
}
