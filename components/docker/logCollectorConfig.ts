import { attribute, LOG_LABELS, renderCollectorConfig, resource } from "../logCollectorPipeline";
import { CONTAINER_NAME_PATTERN } from "./names";

/**
 * Where the container index links each container's log file under the container's name (`<name>.log`), for the
 * collector to follow: the engine's json-file logs are named by container id only.
 */
export const CONTAINER_INDEX_DIRECTORY = "/var/log/platform-containers";

export interface LogCollectorSettings {
  /**
   * The OTLP/HTTP base URL the collector sends to, e.g. the bundled `http://victorialogs:9428/insert/opentelemetry` or
   * a user's own backend; the exporter appends `/v1/logs`.
   */
  readonly otlpEndpoint: string;
}

/**
 * The collector's pipeline on the Docker target: follow every `<container name>.log` the index links, parse the
 * engine's json-file lines (message, stream, time; lines the engine split at 16 KiB joined again), label each line
 * from its container's name, and send it over OTLP/HTTP. The labels are resource attributes, which VictoriaLogs makes
 * its stream fields (as Loki made them labels); offsets are checkpointed, so a restart resends nothing.
 */
export function renderLogCollectorConfig({ otlpEndpoint }: LogCollectorSettings): string {
  const { service, replica, container, stream } = LOG_LABELS;
  return renderCollectorConfig(
    {
      include: [`${CONTAINER_INDEX_DIRECTORY}/*.log`],
      include_file_name: true,
      // A container seen for the first time is read from its first line; one seen before, from its checkpoint.
      start_at: "beginning",
      operators: [
        { type: "container", format: "docker", add_metadata_from_filepath: false },
        // The engine keeps each line's newline in the message; a query result should not.
        { type: "add", field: "body", value: 'EXPR(trimSuffix(body, "\\n"))' },
        {
          type: "regex_parser",
          parse_from: attribute("log.file.name"),
          regex: "^(?<container>.+)\\.log$",
        },
        // A container the platform did not name keeps its whole name as its service.
        {
          type: "regex_parser",
          parse_from: attribute(container),
          regex: CONTAINER_NAME_PATTERN,
          on_error: "send_quiet",
        },
        { type: "copy", if: `${attribute(service)} == nil`, from: attribute(container), to: attribute(service) },
        { type: "remove", if: `${attribute(replica)} == ""`, field: attribute(replica) },
        { type: "move", from: attribute("log.iostream"), to: resource(stream) },
        { type: "move", from: attribute(service), to: resource(service) },
        { type: "move", from: attribute(container), to: resource(container) },
        { type: "move", if: `${attribute(replica)} != nil`, from: attribute(replica), to: resource(replica) },
        { type: "remove", field: attribute("log.file.name") },
        // OpenTelemetry's own name for the service, which other OTLP backends key on (Loki 3's service_name).
        { type: "copy", from: resource(service), to: resource("service.name") },
      ],
    },
    otlpEndpoint,
  );
}
