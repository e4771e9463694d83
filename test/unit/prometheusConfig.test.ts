import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { monitoringScrapeTargets } from "../../infra/monitoring/scrapeTargets";
import { renderPrometheusConfig } from "../../infra/render/prometheusConfig";
import { backendServers } from "../../components/docker/addressing";
import { devPlatformConfig } from "../support/configs";

const servers = backendServers(devPlatformConfig());

describe("prometheus.yml", () => {
  it("scrapes the ingress, every replica of both apps and the PostgreSQL exporter, one job each", () => {
    const targets = monitoringScrapeTargets({
      ingress: { host: "ingress", metricsPort: 9100, metricsPath: "/metrics" },
      servers,
      discovery: { kind: "listed" },
      postgresExporter: "postgres-exporter:9187",
    });
    expect((load(renderPrometheusConfig(targets)) as any).scrape_configs).toEqual([
      { job_name: "ingress", metrics_path: "/metrics", static_configs: [{ targets: ["ingress:9100"] }] },
      {
        job_name: "fastapi",
        metrics_path: "/metrics",
        static_configs: [{ targets: ["fastapi-0:8000", "fastapi-1:8000"] }],
      },
      { job_name: "flask", metrics_path: "/metrics", static_configs: [{ targets: ["flask-0:5000"] }] },
      { job_name: "postgres", metrics_path: "/metrics", static_configs: [{ targets: ["postgres-exporter:9187"] }] },
    ]);
  });

  it("keeps scraping Flask's replicas after the cutover, so that no weight change rewrites prometheus.yml", () => {
    const allOnFastapi = devPlatformConfig({ routes: [], defaultWeight: 100 });
    const targets = monitoringScrapeTargets({
      ingress: { host: "ingress", metricsPort: 9100, metricsPath: "/metrics" },
      servers: backendServers(allOnFastapi),
      discovery: { kind: "listed" },
    });
    expect(targets.filter((target) => target.job === "flask").map((target) => target.address)).toEqual([
      "flask-0:5000",
    ]);
    expect(targets.map((target) => target.job)).not.toContain("postgres");
  });

  it("loads the rule files and sends alerts to the Alertmanagers when given", () => {
    const config = load(
      renderPrometheusConfig([], {
        ruleFiles: ["/etc/prometheus/rules/*.rules.yml"],
        alertmanagers: ["alertmanager:9093"],
        scrapeIntervalSeconds: 15,
      }),
    ) as any;
    expect(config).toEqual({
      global: { scrape_interval: "15s", evaluation_interval: "15s" },
      rule_files: ["/etc/prometheus/rules/*.rules.yml"],
      alerting: { alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] },
      scrape_configs: [],
    });
  });

  it("has neither rule files nor alerting when given none", () => {
    expect(
      Object.keys(
        load(renderPrometheusConfig([{ job: "ingress", address: "ingress:9100", metricsPath: "/metrics" }])) as object,
      ),
    ).toEqual(["global", "scrape_configs"]);
  });

  it("refuses two metrics paths in one job", () => {
    expect(() =>
      renderPrometheusConfig([
        { job: "app", address: "a:1", metricsPath: "/metrics" },
        { job: "app", address: "b:1", metricsPath: "/stats" },
      ]),
    ).toThrow("scrape job app: every target of a job must share one metrics path (got /metrics and /stats)");
  });
});
