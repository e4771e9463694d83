import * as pulumi from "@pulumi/pulumi";
import { AlertmanagerServer } from "../../components/docker/alertmanagerServer";
import { GRAFANA_DASHBOARDS_DIRECTORY, GrafanaServer } from "../../components/docker/grafanaServer";
import type { Ingress } from "../../components/docker/ingress";
import { LogCollector } from "../../components/docker/logCollector";
import { LogStore } from "../../components/docker/logStore";
import { PostgresExporter } from "../../components/docker/postgresExporter";
import { consoleUrlPath, PROMETHEUS_RULE_FILES, PrometheusServer } from "../../components/docker/prometheusServer";
import type { PlatformConfig } from "../../infra/config/schema";
import { ALERT_RULES_FILE, renderAlertRules } from "../../infra/monitoring/alertRules";
import { renderAlertmanagerConfig } from "../../infra/monitoring/alertmanagerConfig";
import { renderMigrationDashboard } from "../../infra/monitoring/grafanaDashboard";
import { renderGrafanaDashboardProvider, renderGrafanaDatasources } from "../../infra/monitoring/grafanaProvisioning";
import { renderLogCollectorConfig } from "../../infra/monitoring/logCollectorConfig";
import { MIGRATION_CONSOLE_FILE, renderMigrationConsole } from "../../infra/monitoring/migrationConsole";
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
  /** The live Flask vs FastAPI page, served by Prometheus. */
  readonly migrationPageUrl: pulumi.Output<string>;
  readonly grafanaUrl?: pulumi.Output<string>;
  /** Secret. */
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  /** VictoriaLogs' web UI from the host, when the bundled log store is deployed. */
  readonly logsUrl?: pulumi.Output<string>;
}

/**
 * Prometheus with the migration's rules, and the companions whose image is configured: Alertmanager, the PostgreSQL
 * exporter, Grafana, and the log pipeline (the collector, and VictoriaLogs unless the logs go elsewhere). Every file but
 * the weight rules depends on the routes' matchers, the gates or the topology, never on a weight, so a cutover step
 * touches the weight rules alone (and Prometheus reloads them in place).
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
      consoles: [
        { fileName: MIGRATION_CONSOLE_FILE, content: renderMigrationConsole(plan.routes.map((route) => route.id)) },
      ],
      retention: monitoring.retention,
      hostPort: monitoring.port,
    },
    // Started once what it scrapes and alerts to exists, so that its first figures are not failures.
    {
      providers,
      dependsOn: [ingress, ...(alertmanager ? [alertmanager] : []), ...(postgresExporter ? [postgresExporter] : [])],
    },
  );

  const logStore = monitoring.logs ? deployLogPipeline(monitoring.logs, networkName, providers) : undefined;

  const grafana = monitoring.grafanaImage
    ? new GrafanaServer(
        "grafana",
        {
          image: monitoring.grafanaImage,
          networkName,
          datasources: pulumi
            .all([prometheus.networkUrl, logStore?.networkUrl])
            .apply(([prometheusUrl, logsUrl]) =>
              renderGrafanaDatasources({ prometheus: prometheusUrl, logs: logsUrl }),
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
        { providers, dependsOn: [prometheus, ...(logStore ? [logStore] : [])] },
      )
    : undefined;

  return {
    prometheusUrl: prometheus.url,
    migrationPageUrl: prometheus.url.apply((url) => `${url}${consoleUrlPath(MIGRATION_CONSOLE_FILE)}`),
    grafanaUrl: grafana?.url,
    grafanaAdminPassword: grafana?.adminPassword,
    logsUrl: logStore?.uiUrl,
  };
}

type LogsConfig = NonNullable<PlatformConfig["monitoring"]["logs"]>;

/**
 * The collector, which ships the lines of every container on the platform network, and the store it sends them to:
 * VictoriaLogs, or the user's own backend (`otlpEndpoint`), in which case no store is deployed here.
 */
function deployLogPipeline(
  logs: LogsConfig,
  networkName: pulumi.Input<string>,
  providers: pulumi.ProviderResource[],
): LogStore | undefined {
  const store = logs.storeImage
    ? new LogStore(
        "victorialogs",
        {
          image: logs.storeImage,
          networkName,
          hostPort: logs.port,
          retention: logs.retention,
          maxDiskUsage: logs.maxDiskUsage,
        },
        { providers },
      )
    : undefined;
  new LogCollector(
    "log-collector",
    {
      image: logs.collectorImage,
      networkName,
      dockerDataRoot: logs.dockerDataRoot,
      config: pulumi
        .output(store?.otlpEndpoint ?? logs.otlpEndpoint!)
        .apply((otlpEndpoint) => renderLogCollectorConfig({ otlpEndpoint })),
    },
    // Started once the store is ready, so that its first sends are not refused (it would retry them, logging each).
    { providers, dependsOn: store ? [store] : [] },
  );
  return store;
}
