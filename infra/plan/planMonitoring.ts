import type { PlatformConfig } from "../config/schema";
import { ALERT_RULES_FILE, renderAlertRules } from "../monitoring/alertRules";
import { renderAlertmanagerConfig } from "../monitoring/alertmanagerConfig";
import { renderMigrationDashboard } from "../monitoring/grafanaDashboard";
import { renderGrafanaDashboardProvider, renderGrafanaDatasources } from "../monitoring/grafanaProvisioning";
import {
  LOG_STORE_DATA_DIRECTORY,
  LOG_STORE_HTTP_PORT,
  LOG_STORE_OTLP_PATH,
  LOG_STORE_UI_PATH,
  logStoreFlags,
} from "../monitoring/logStoreFlags";
import { MIGRATION_CONSOLE_FILE, renderMigrationConsole } from "../monitoring/migrationConsole";
import {
  consoleUrlPath,
  PROMETHEUS_CONFIG_PATH,
  PROMETHEUS_CONSOLE_FLAGS,
  PROMETHEUS_CONSOLES_DIRECTORY,
  PROMETHEUS_DATA_DIRECTORY,
  PROMETHEUS_PORT,
  PROMETHEUS_RULE_FILES,
  PROMETHEUS_RULES_DIRECTORY,
  PROMETHEUS_WEIGHTS_DIRECTORY,
} from "../monitoring/prometheusLayout";
import type { MonitoringFacts } from "../monitoring/monitoringFacts";
import {
  PUBLISHED_WEIGHT_RULES_FILE,
  PUBLISHED_WEIGHTS_PATH,
  renderPublishedWeightRules,
} from "../monitoring/publishedWeights";
import { RECORDING_RULES_FILE, renderRecordingRules } from "../monitoring/recordingRules";
import { routeFiguresOf } from "../monitoring/routeBackendSources";
import { monitoringScrapeTargets } from "../monitoring/scrapeTargets";
import { WEIGHT_RULES_FILE, renderWeightRules } from "../monitoring/weightRules";
import { renderPrometheusConfig } from "../render/prometheusConfig";
import type { BackendServers, RoutingPlan } from "../routing/plan";
import type {
  AlertmanagerPlan,
  DatabasePlan,
  GrafanaPlan,
  IngressPlan,
  LogsPlan,
  LogStorePlan,
  MonitoringPlan,
  PostgresExporterPlan,
  PrometheusPlan,
} from "./platformPlan";
import { supportingServiceCheck } from "./healthChecks";

const ALERTMANAGER_PORT = 9093;
const ALERTMANAGER_CONFIG_PATH = "/etc/alertmanager/alertmanager.yml";
// The postgres_exporter convention, and the binary's default.
const EXPORTER_PORT = 9187;
const GRAFANA_PORT = 3000;
/** Where Grafana reads its provisioning (GF_PATHS_PROVISIONING). */
export const GRAFANA_PROVISIONING_DIRECTORY = "/etc/grafana/provisioning";
const GRAFANA_DASHBOARDS_DIRECTORY = "/etc/grafana/dashboards";

const address = (workload: { readonly host: string; readonly port: number }) => `${workload.host}:${workload.port}`;

export interface MonitoringInputs {
  /** A config with monitoring enabled. */
  readonly config: PlatformConfig;
  readonly routing: RoutingPlan;
  /**
   * Both apps' replicas, not the routing plan's own backends: the plan drops Flask once no route uses it, and a weight
   * change must never rewrite prometheus.yml.
   */
  readonly servers: BackendServers;
  /** How the target lets Prometheus find and name what it watches. */
  readonly target: MonitoringFacts;
  readonly ingress: IngressPlan;
  readonly database: DatabasePlan;
}

function planAlertmanager(image: string, config: PlatformConfig): AlertmanagerPlan {
  return {
    name: "alertmanager",
    host: "alertmanager",
    image,
    port: ALERTMANAGER_PORT,
    args: [
      `--config.file=${ALERTMANAGER_CONFIG_PATH}`,
      "--storage.path=/alertmanager",
      `--web.listen-address=:${ALERTMANAGER_PORT}`,
      // One instance: no gossip port, no peers to wait for.
      "--cluster.listen-address=",
    ],
    // Secret: a webhook URL may carry a token.
    files: [
      {
        path: ALERTMANAGER_CONFIG_PATH,
        content: renderAlertmanagerConfig(config.monitoring.alertReceiver),
        secret: true,
      },
    ],
    // Silences and the notification log, which must survive a replaced container.
    dataPath: "/alertmanager",
    // `cluster show` reads the status API and prints nothing of the configuration (`config show` would put the
    // webhook URL into the health log).
    health: supportingServiceCheck(
      ["amtool", `--alertmanager.url=http://127.0.0.1:${ALERTMANAGER_PORT}`, "cluster", "show"],
      { port: ALERTMANAGER_PORT, path: "/-/ready" },
    ),
    startsAfter: [],
  };
}

function planPostgresExporter(image: string, database: DatabasePlan): PostgresExporterPlan {
  return {
    name: "postgres-exporter",
    host: "postgres-exporter",
    image,
    port: EXPORTER_PORT,
    args: [`--web.listen-address=:${EXPORTER_PORT}`],
    // The exporter's driver (lib/pq), unlike libpq, defaults to sslmode=require; the database serves plain TCP on the
    // private network.
    env: [["DATA_SOURCE_NAME", { databaseUrl: "sync", suffix: "?sslmode=disable" }]],
    // No health check: the image has no HTTP client, and Prometheus already reports the exporter's `up`.
    startsAfter: [database.name],
  };
}

function planPrometheus(
  { config, routing, servers, target, ingress }: MonitoringInputs,
  companions: { readonly alertmanager?: AlertmanagerPlan; readonly postgresExporter?: PostgresExporterPlan },
): PrometheusPlan {
  const { monitoring } = config;
  const weightsScraped = target.weights === "ingressEndpoint";
  const prometheusConfig = renderPrometheusConfig(
    monitoringScrapeTargets({
      ingress,
      servers,
      discovery: target.discovery,
      postgresExporter: companions.postgresExporter && address(companions.postgresExporter),
      publishedWeightsPath: weightsScraped ? PUBLISHED_WEIGHTS_PATH : undefined,
    }),
    {
      ruleFiles: PROMETHEUS_RULE_FILES,
      alertmanagers: companions.alertmanager ? [address(companions.alertmanager)] : [],
    },
  );
  const routeIds = routing.routes.map((route) => route.id);
  return {
    name: "prometheus",
    host: "prometheus",
    image: monitoring.image!,
    port: PROMETHEUS_PORT,
    args: [
      `--config.file=${PROMETHEUS_CONFIG_PATH}`,
      `--storage.tsdb.path=${PROMETHEUS_DATA_DIRECTORY}`,
      `--storage.tsdb.retention.time=${monitoring.retention}`,
      `--web.listen-address=:${PROMETHEUS_PORT}`,
      ...PROMETHEUS_CONSOLE_FLAGS,
    ],
    files: [
      { path: PROMETHEUS_CONFIG_PATH, content: prometheusConfig },
      {
        path: `${PROMETHEUS_RULES_DIRECTORY}/${RECORDING_RULES_FILE}`,
        content: renderRecordingRules(
          routeFiguresOf(config.ingress, target.figures, routing.routes),
          routing.routes,
          config.gates.window,
        ),
      },
      { path: `${PROMETHEUS_RULES_DIRECTORY}/${ALERT_RULES_FILE}`, content: renderAlertRules(config.gates) },
      { path: `${PROMETHEUS_CONSOLES_DIRECTORY}/${MIGRATION_CONSOLE_FILE}`, content: renderMigrationConsole(routeIds) },
      ...(weightsScraped
        ? [
            {
              path: `${PROMETHEUS_RULES_DIRECTORY}/${PUBLISHED_WEIGHT_RULES_FILE}`,
              content: renderPublishedWeightRules(),
            },
          ]
        : []),
    ],
    weightRules: weightsScraped
      ? undefined
      : {
          directory: PROMETHEUS_WEIGHTS_DIRECTORY,
          fileName: WEIGHT_RULES_FILE,
          content: renderWeightRules(routing.routes),
        },
    dataPath: PROMETHEUS_DATA_DIRECTORY,
    hostPort: monitoring.port,
    migrationPagePath: consoleUrlPath(MIGRATION_CONSOLE_FILE),
    // Answering a query is what "healthy" means here; promtool 2.42 has no `check healthy` yet.
    // Over HTTP (targets that probe from outside), /-/ready: the storage is open and queries are served.
    health: supportingServiceCheck(
      ["promtool", "query", "instant", `http://127.0.0.1:${PROMETHEUS_PORT}`, "vector(1)"],
      {
        port: PROMETHEUS_PORT,
        path: "/-/ready",
      },
    ),
    // Started once what it scrapes and alerts to exists, so that its first figures are not failures.
    startsAfter: [
      ingress.name,
      ...[companions.alertmanager, companions.postgresExporter].flatMap((c) => (c ? [c.name] : [])),
    ],
  };
}

function planLogs(logs: NonNullable<PlatformConfig["monitoring"]["logs"]>): LogsPlan {
  const store: LogStorePlan | undefined = logs.storeImage
    ? {
        name: "victorialogs",
        host: "victorialogs",
        image: logs.storeImage,
        port: LOG_STORE_HTTP_PORT,
        args: logStoreFlags(logs),
        dataPath: LOG_STORE_DATA_DIRECTORY,
        hostPort: logs.port,
        uiPath: LOG_STORE_UI_PATH,
        // /health answers once the storage is open and ingestion and queries are served.
        health: supportingServiceCheck(
          ["wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${LOG_STORE_HTTP_PORT}/health`],
          {
            port: LOG_STORE_HTTP_PORT,
            path: "/health",
          },
        ),
        startsAfter: [],
      }
    : undefined;
  return {
    collectorImage: logs.collectorImage,
    otlpEndpoint: store ? `http://${address(store)}${LOG_STORE_OTLP_PATH}` : logs.otlpEndpoint!,
    store,
    dockerDataRoot: logs.dockerDataRoot,
    // Started once the store is ready, so that its first sends are not refused (it would retry them, logging each).
    startsAfter: store ? [store.name] : [],
  };
}

function planGrafana(
  image: string,
  config: PlatformConfig,
  routing: RoutingPlan,
  prometheus: PrometheusPlan,
  logs: LogsPlan | undefined,
): GrafanaPlan {
  const datasources = renderGrafanaDatasources({
    prometheus: `http://${address(prometheus)}`,
    logs: logs?.store && `http://${address(logs.store)}`,
  });
  return {
    name: "grafana",
    host: "grafana",
    image,
    port: GRAFANA_PORT,
    files: [
      { path: `${GRAFANA_PROVISIONING_DIRECTORY}/datasources/migration.yml`, content: datasources },
      {
        path: `${GRAFANA_PROVISIONING_DIRECTORY}/dashboards/migration.yml`,
        content: renderGrafanaDashboardProvider(GRAFANA_DASHBOARDS_DIRECTORY),
      },
      {
        path: `${GRAFANA_DASHBOARDS_DIRECTORY}/flask-vs-fastapi.json`,
        content: renderMigrationDashboard(routing.routes.map((route) => route.id)),
      },
    ],
    hostPort: config.monitoring.grafanaPort,
    // No health check: which HTTP client a Grafana image ships differs between its variants.
    startsAfter: [prometheus.name, ...(logs?.store ? [logs.store.name] : [])],
  };
}

/**
 * Prometheus with the migration's rules, and the companions whose image is configured: Alertmanager, the PostgreSQL
 * exporter, Grafana, and the log pipeline. Every file but the weight rules depends on the routes' matchers, the gates
 * or the topology, never on a weight.
 */
export function planMonitoring(inputs: MonitoringInputs): MonitoringPlan {
  const { monitoring } = inputs.config;
  const alertmanager = monitoring.alertmanagerImage
    ? planAlertmanager(monitoring.alertmanagerImage, inputs.config)
    : undefined;
  const postgresExporter = monitoring.postgresExporterImage
    ? planPostgresExporter(monitoring.postgresExporterImage, inputs.database)
    : undefined;
  const prometheus = planPrometheus(inputs, { alertmanager, postgresExporter });
  const logs = monitoring.logs ? planLogs(monitoring.logs) : undefined;
  const grafana = monitoring.grafanaImage
    ? planGrafana(monitoring.grafanaImage, inputs.config, inputs.routing, prometheus, logs)
    : undefined;
  return { prometheus, alertmanager, postgresExporter, grafana, logs };
}
