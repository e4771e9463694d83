import * as pulumi from "@pulumi/pulumi";
import { AlertmanagerServer } from "../../components/docker/alertmanagerServer";
import { GRAFANA_DASHBOARDS_DIRECTORY, GrafanaServer } from "../../components/docker/grafanaServer";
import type { Ingress } from "../../components/docker/ingress";
import { LogAgent } from "../../components/docker/logAgent";
import { LokiServer } from "../../components/docker/lokiServer";
import { PostgresExporter } from "../../components/docker/postgresExporter";
import { PROMETHEUS_RULE_FILES, PrometheusServer } from "../../components/docker/prometheusServer";
import type { PlatformConfig } from "../../infra/config/schema";
import { ALERT_RULES_FILE, renderAlertRules } from "../../infra/monitoring/alertRules";
import { renderAlertmanagerConfig } from "../../infra/monitoring/alertmanagerConfig";
import { renderMigrationDashboard } from "../../infra/monitoring/grafanaDashboard";
import { renderGrafanaDashboardProvider, renderGrafanaDatasources } from "../../infra/monitoring/grafanaProvisioning";
import { renderLogAgentConfig } from "../../infra/monitoring/logAgentConfig";
import { renderLokiConfig } from "../../infra/monitoring/lokiConfig";
import { RECORDING_RULES_FILE, renderRecordingRules } from "../../infra/monitoring/recordingRules";
import { monitoringScrapeTargets } from "../../infra/monitoring/scrapeTargets";
import { WEIGHT_RULES_FILE, renderWeightRules } from "../../infra/monitoring/weightRules";
import { renderPrometheusConfig } from "../../infra/render/prometheusConfig";
import { backendServers } from "../../infra/routing/backendAddresses";
import type { RoutingPlan } from "../../infra/routing/plan";

export interface DockerMonitoringArgs {
  /** A config with monitoring enabled. */
  readonly config: PlatformConfig;
  readonly plan: RoutingPlan;
  readonly networkName: pulumi.Input<string>;
  readonly ingress: Ingress;
  /** Where the ingress flavour serves its metrics. */
  readonly ingressMetricsPath: string;
  /** Secret `postgresql://` URL, for the exporter. */
  readonly databaseUrl: pulumi.Input<string>;
  readonly providers: pulumi.ProviderResource[];
}

export interface DockerMonitoring {
  readonly prometheusUrl: pulumi.Output<string>;
  readonly grafanaUrl?: pulumi.Output<string>;
  /** Secret. */
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  /** Loki's API from the host, when the log pipeline is deployed. */
  readonly lokiUrl?: pulumi.Output<string>;
}

/**
 * Prometheus with the migration's rules, and the companions whose image is configured: Alertmanager, the PostgreSQL
 * exporter, Grafana, and the log pipeline (Loki and its agent). Every file but the weight rules depends on the routes' matchers, the gates or the topology, never on
 * a weight, so a cutover step touches the weight rules alone (and Prometheus reloads them in place).
 */
export function deployDockerMonitoring({
  config,
  plan,
  networkName,
  ingress,
  ingressMetricsPath,
  databaseUrl,
  providers,
}: DockerMonitoringArgs): DockerMonitoring {
  const { monitoring } = config;
  const alertmanager = monitoring.alertmanagerImage
    ? new AlertmanagerServer(
        "alertmanager",
        {
          image: monitoring.alertmanagerImage,
          networkName,
          config: renderAlertmanagerConfig(monitoring.alertReceiver),
        },
        { providers },
      )
    : undefined;
  const postgresExporter = monitoring.postgresExporterImage
    ? new PostgresExporter(
        "postgres-exporter",
        { image: monitoring.postgresExporterImage, networkName, databaseUrl },
        { providers },
      )
    : undefined;

  const prometheusConfig = pulumi
    .all([ingress.metricsAddress, postgresExporter?.address, alertmanager?.address])
    .apply(([ingressAddress, exporterAddress, alertmanagerAddress]) =>
      renderPrometheusConfig(
        monitoringScrapeTargets({
          ingress: { address: ingressAddress, metricsPath: ingressMetricsPath },
          servers: backendServers(config),
          postgresExporter: exporterAddress,
        }),
        { ruleFiles: PROMETHEUS_RULE_FILES, alertmanagers: alertmanagerAddress ? [alertmanagerAddress] : [] },
      ),
    );
  const prometheus = new PrometheusServer(
    "prometheus",
    {
      image: monitoring.image!,
      networkName,
      config: prometheusConfig,
      ruleFiles: [
        {
          fileName: RECORDING_RULES_FILE,
          content: renderRecordingRules(config.ingress, plan.routes, config.gates.window),
        },
        { fileName: ALERT_RULES_FILE, content: renderAlertRules(config.gates) },
      ],
      weightRules: { fileName: WEIGHT_RULES_FILE, content: renderWeightRules(plan.routes) },
      retention: monitoring.retention,
      hostPort: monitoring.port,
    },
    // Started once what it scrapes and alerts to exists, so that its first figures are not failures.
    {
      providers,
      dependsOn: [ingress, ...(alertmanager ? [alertmanager] : []), ...(postgresExporter ? [postgresExporter] : [])],
    },
  );

  const loki = monitoring.logs ? deployLogPipeline(monitoring.logs, networkName, providers) : undefined;

  const grafana = monitoring.grafanaImage
    ? new GrafanaServer(
        "grafana",
        {
          image: monitoring.grafanaImage,
          networkName,
          datasources: pulumi
            .all([prometheus.networkUrl, loki?.networkUrl])
            .apply(([prometheusUrl, lokiUrl]) =>
              renderGrafanaDatasources({ prometheus: prometheusUrl, loki: lokiUrl }),
            ),
          dashboardProvider: renderGrafanaDashboardProvider(GRAFANA_DASHBOARDS_DIRECTORY),
          dashboards: [
            {
              fileName: "flask-vs-fastapi.json",
              content: renderMigrationDashboard(plan.routes.map((route) => route.id)),
            },
          ],
          hostPort: monitoring.grafanaPort,
        },
        { providers, dependsOn: [prometheus, ...(loki ? [loki] : [])] },
      )
    : undefined;

  return {
    prometheusUrl: prometheus.url,
    grafanaUrl: grafana?.url,
    grafanaAdminPassword: grafana?.adminPassword,
    lokiUrl: loki?.url,
  };
}

type LogsConfig = NonNullable<PlatformConfig["monitoring"]["logs"]>;

/** Loki, and the agent that ships the lines of every container on the platform network to it. */
function deployLogPipeline(
  logs: LogsConfig,
  networkName: pulumi.Input<string>,
  providers: pulumi.ProviderResource[],
): LokiServer {
  const loki = new LokiServer(
    "loki",
    { image: logs.lokiImage, networkName, config: renderLokiConfig(logs), hostPort: logs.port },
    { providers },
  );
  new LogAgent(
    "log-agent",
    {
      image: logs.agentImage,
      networkName,
      config: pulumi
        .all([loki.pushUrl, networkName])
        .apply(([pushUrl, network]) => renderLogAgentConfig({ pushUrl, networkName: network })),
    },
    // Started once Loki is ready, so that its first pushes are not refused (it would retry them, logging each failure).
    { providers, dependsOn: [loki] },
  );
  return loki;
}
