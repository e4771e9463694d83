import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { renderLogAgentConfig } from "../../infra/monitoring/logAgentConfig";
import { renderLokiConfig } from "../../infra/monitoring/lokiConfig";

interface RelabelRule {
  source_labels: string[];
  regex?: string;
  target_label: string;
  replacement?: string;
}

/**
 * Prometheus's `replace` relabelling, the only action the agent config uses: the joined source values must match the
 * whole regex, then the target takes the replacement ($1 by default). A rule that does not match changes nothing.
 */
function relabel(rules: RelabelRule[], labels: Record<string, string>): Record<string, string> {
  const result = { ...labels };
  for (const rule of rules) {
    const match = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`).exec(
      rule.source_labels.map((name) => result[name] ?? "").join(";"),
    );
    if (match)
      result[rule.target_label] = (rule.replacement ?? "$1").replace(
        /\$(\d)/g,
        (_, group: string) => match[Number(group)] ?? "",
      );
  }
  return Object.fromEntries(Object.entries(result).filter(([name]) => !name.startsWith("__")));
}

const agent = load(
  renderLogAgentConfig({ pushUrl: "http://loki:3100/loki/api/v1/push", networkName: "network-5d1c2e9" }),
) as Record<string, any>;
const [job] = agent.scrape_configs;
const labelsOf = (containerName: string, stream = "stdout") =>
  relabel(job.relabel_configs, {
    __meta_docker_container_name: `/${containerName}`,
    __meta_docker_container_log_stream: stream,
  });

describe("the log agent's configuration (Promtail)", () => {
  it("pushes to Loki and keeps its positions on its volume", () => {
    expect(agent.clients).toEqual([{ url: "http://loki:3100/loki/api/v1/push" }]);
    expect(agent.positions).toEqual({ filename: "/promtail/positions.yaml" });
    expect(agent.server).toMatchObject({ http_listen_port: 9080, grpc_listen_port: 0 });
  });

  it("discovers the containers of the platform network through the Docker socket, not from a fixed list", () => {
    expect(agent.scrape_configs).toHaveLength(1);
    expect(job.docker_sd_configs).toEqual([
      {
        host: "unix:///var/run/docker.sock",
        refresh_interval: "5s",
        filters: [{ name: "network", values: ["network-5d1c2e9"] }],
      },
    ]);
    expect(job.static_configs).toBeUndefined();
  });

  it.each([
    ["fastapi-1-3fa9c01", { service: "fastapi", replica: "1" }],
    ["flask-0-0123456", { service: "flask", replica: "0" }],
    ["flask-12-abcdef0", { service: "flask", replica: "12" }],
    ["ingress-b41d2e7", { service: "ingress" }],
    ["ingress-1234567", { service: "ingress" }],
    ["postgres-exporter-9c0ffee", { service: "postgres-exporter" }],
    ["schema-migration-77aa001", { service: "schema-migration" }],
  ])("labels %s's lines by service (and replica for an app)", (name, expected) => {
    expect(labelsOf(name)).toEqual({ ...expected, container: name, stream: "stdout" });
  });

  it("keeps the whole name as the service of a container the platform did not name", () => {
    expect(labelsOf("debug-shell", "stderr")).toEqual({
      service: "debug-shell",
      container: "debug-shell",
      stream: "stderr",
    });
  });
});

describe("Loki's configuration", () => {
  const loki = load(renderLokiConfig({ retention: "7d" })) as Record<string, any>;

  it("keeps logs for the configured retention, applied by the compactor", () => {
    expect(loki.limits_config).toEqual({ retention_period: "7d" });
    expect(loki.compactor).toMatchObject({ retention_enabled: true, delete_request_store: "filesystem" });
  });

  it("is one process with everything under /loki (its volume), no authentication, API on :3100", () => {
    expect(loki.auth_enabled).toBe(false);
    expect(loki.server.http_listen_port).toBe(3100);
    expect(loki.common).toMatchObject({
      path_prefix: "/loki",
      replication_factor: 1,
      ring: { kvstore: { store: "inmemory" } },
    });
    expect(loki.common.storage.filesystem).toEqual({
      chunks_directory: "/loki/chunks",
      rules_directory: "/loki/rules",
    });
    expect(loki.compactor.working_directory).toBe("/loki/compactor");
    expect(loki.schema_config.configs).toEqual([
      {
        from: "2024-01-01",
        store: "tsdb",
        object_store: "filesystem",
        schema: "v13",
        index: { prefix: "index_", period: "24h" },
      },
    ]);
  });

  it("sends no usage reports", () => {
    expect(loki.analytics).toEqual({ reporting_enabled: false });
  });
});
