import { dump } from "js-yaml";
import { supportingServiceCheck } from "../infra/plan/healthChecks";

/** The collector's health endpoint (its `health_check` extension), inside the platform only. */
export const LOG_COLLECTOR_HEALTH_PORT = 13133;
/** The collector answers on its health endpoint: from inside its container (curl) or from outside (HTTP). */
export const LOG_COLLECTOR_HEALTH = supportingServiceCheck(
  ["curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${LOG_COLLECTOR_HEALTH_PORT}/`],
  { port: LOG_COLLECTOR_HEALTH_PORT, path: "/" },
);
/** Where the collector keeps each file's read offset (its `file_storage` extension): kept across restarts. */
export const LOG_COLLECTOR_CHECKPOINT_DIRECTORY = "/var/lib/otelcol/checkpoints";

/** The labels every shipped line carries, so that `{service="flask"}` selects Flask's lines, whichever stack runs it. */
export const LOG_LABELS = {
  /** The workload: fastapi, flask, ingress (traefik on Kubernetes), database (postgres), prometheus, ... */
  service: "service",
  /** The replica index of an app container (fastapi and flask, on Docker only: a pod's name says it on Kubernetes). */
  replica: "replica",
  /** The full container name on Docker (e.g. `fastapi-1-3fa9c01`), the pod's name on Kubernetes. */
  container: "container",
  /** `stdout` or `stderr`. */
  stream: "stream",
} as const;

export const attribute = (name: string) => `attributes["${name}"]`;
export const resource = (name: string) => `resource["${name}"]`;

/**
 * The collector's configuration around a target's `file_log` receiver: files followed from checkpoints (a restart
 * resends nothing), lines batched and sent over OTLP/HTTP to `otlpEndpoint` (the exporter appends `/v1/logs`), a health
 * endpoint. The receiver's operators put the labels (LOG_LABELS) in resource attributes, which VictoriaLogs makes its
 * stream fields (as Loki made them labels).
 */
export function renderCollectorConfig(fileLog: Record<string, unknown>, otlpEndpoint: string): string {
  return dump(
    {
      extensions: {
        health_check: { endpoint: `0.0.0.0:${LOG_COLLECTOR_HEALTH_PORT}` },
        file_storage: { directory: LOG_COLLECTOR_CHECKPOINT_DIRECTORY, create_directory: true },
      },
      receivers: { file_log: { ...fileLog, storage: "file_storage" } },
      processors: { batch: { timeout: "1s" } },
      exporters: { otlp_http: { endpoint: otlpEndpoint } },
      service: {
        extensions: ["health_check", "file_storage"],
        pipelines: { logs: { receivers: ["file_log"], processors: ["batch"], exporters: ["otlp_http"] } },
        // Its own lines go to the log pipeline too: warnings and errors only.
        telemetry: { logs: { level: "warn" }, metrics: { level: "none" } },
      },
    },
    { lineWidth: -1, noRefs: true },
  );
}
