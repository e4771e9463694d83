import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { CONTAINER_NAME_PATTERN } from "../../components/docker/names";
import { CONTAINER_INDEX_DIRECTORY, renderLogCollectorConfig } from "../../components/docker/logCollectorConfig";
import { LOG_COLLECTOR_CHECKPOINT_DIRECTORY } from "../../components/logCollectorPipeline";
import { logStoreFlags } from "../../infra/monitoring/logStoreFlags";

const OTLP_ENDPOINT = "http://victorialogs:9428/insert/opentelemetry";
const collector = load(renderLogCollectorConfig({ otlpEndpoint: OTLP_ENDPOINT })) as Record<string, any>;
const receiver = collector.receivers.file_log;

/** The service and replica the collector's name pattern gives a container name (JavaScript reads it as Go does). */
function labelsOf(containerName: string): Record<string, string> {
  const groups = new RegExp(CONTAINER_NAME_PATTERN).exec(containerName)?.groups ?? {};
  return Object.fromEntries(Object.entries(groups).filter(([, value]) => value !== undefined));
}

describe("the log collector's configuration (OpenTelemetry Collector)", () => {
  it("follows the files the container index links, from their first line or their checkpoint", () => {
    expect(receiver.include).toEqual([`${CONTAINER_INDEX_DIRECTORY}/*.log`]);
    expect(receiver).toMatchObject({ start_at: "beginning", storage: "file_storage", include_file_name: true });
    expect(collector.extensions.file_storage).toEqual({
      directory: LOG_COLLECTOR_CHECKPOINT_DIRECTORY,
      create_directory: true,
    });
  });

  it("sends over OTLP/HTTP to the endpoint it is given, and to nothing else", () => {
    expect(collector.exporters).toEqual({ otlp_http: { endpoint: OTLP_ENDPOINT } });
    expect(collector.service.pipelines).toEqual({
      logs: { receivers: ["file_log"], processors: ["batch"], exporters: ["otlp_http"] },
    });
    const custom = load(renderLogCollectorConfig({ otlpEndpoint: "https://loki.internal:3100/otlp" })) as any;
    expect(custom.exporters.otlp_http.endpoint).toBe("https://loki.internal:3100/otlp");
  });

  it("parses the engine's json-file lines and reads the labels from the file's name, the container's", () => {
    const operators = receiver.operators as Array<Record<string, string>>;
    expect(operators[0]).toEqual({ type: "container", format: "docker", add_metadata_from_filepath: false });
    expect(operators.find((operator) => operator.parse_from === 'attributes["container"]')).toMatchObject({
      regex: CONTAINER_NAME_PATTERN,
      on_error: "send_quiet",
    });
    const resourceLabels = operators
      .filter((operator) => operator.type === "move")
      .map((operator) => operator.to)
      .sort();
    expect(resourceLabels).toEqual(
      ['resource["container"]', 'resource["replica"]', 'resource["service"]', 'resource["stream"]'].sort(),
    );
  });

  it.each([
    ["fastapi-1-3fa9c01", { service: "fastapi", replica: "1" }],
    ["flask-0-0123456", { service: "flask", replica: "0" }],
    ["flask-12-abcdef0", { service: "flask", replica: "12" }],
    ["ingress-b41d2e7", { service: "ingress" }],
    ["postgres-exporter-9c0ffee", { service: "postgres-exporter" }],
    ["schema-migration-77aa001", { service: "schema-migration" }],
  ])("labels %s's lines by service (and replica for an app)", (name, expected) => {
    expect(labelsOf(name)).toEqual(expected);
  });

  it("matches nothing in a name the platform did not give, which then keeps its whole name as service", () => {
    expect(labelsOf("debug-shell")).toEqual({});
    const copy = (receiver.operators as Array<Record<string, string>>).find((operator) => operator.type === "copy");
    expect(copy).toMatchObject({ from: 'attributes["container"]', to: 'attributes["service"]' });
  });
});

describe("the log store's command line (VictoriaLogs)", () => {
  it("keeps logs for the retention and within the disk cap, its data on its volume", () => {
    expect(logStoreFlags({ retention: "30d", maxDiskUsage: "50GiB" })).toEqual([
      "-storageDataPath=/victoria-logs-data",
      "-httpListenAddr=:9428",
      "-retentionPeriod=30d",
      "-retention.maxDiskSpaceUsageBytes=50GiB",
      "-loggerLevel=WARN",
    ]);
  });
});
