/** Where VictoriaLogs listens inside its container: ingestion (OTLP from the collector), queries and its web UI. */
export const LOG_STORE_HTTP_PORT = 9428;
/** VictoriaLogs' data directory, a volume. */
export const LOG_STORE_DATA_DIRECTORY = "/victoria-logs-data";
/** The OTLP/HTTP base path VictoriaLogs ingests at; an OTLP exporter appends `/v1/logs`. */
export const LOG_STORE_OTLP_PATH = "/insert/opentelemetry";
/** VictoriaLogs' web UI (built into the binary). */
export const LOG_STORE_UI_PATH = "/select/vmui/";

export interface LogStoreSettings {
  /** How long log lines are kept, e.g. "7d" (at least 24h, as the schema enforces). */
  readonly retention: string;
  /** The most disk the logs may take, e.g. "10GiB": beyond it the oldest days are dropped first. */
  readonly maxDiskUsage: string;
}

/**
 * VictoriaLogs' command line: one process, no configuration file. Both limits apply, whichever bites first: logs older
 * than `retention` are deleted, and so are the oldest days while the data exceeds `maxDiskUsage`. VictoriaLogs
 * partitions by day, so both act on whole days.
 */
export function logStoreFlags({ retention, maxDiskUsage }: LogStoreSettings): string[] {
  return [
    `-storageDataPath=${LOG_STORE_DATA_DIRECTORY}`,
    `-httpListenAddr=:${LOG_STORE_HTTP_PORT}`,
    `-retentionPeriod=${retention}`,
    `-retention.maxDiskSpaceUsageBytes=${maxDiskUsage}`,
    // Its own lines go to the log pipeline too: warnings and errors only, not one line per request.
    "-loggerLevel=WARN",
  ];
}
