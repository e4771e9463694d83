import * as pulumi from "@pulumi/pulumi";
import { AlertmanagerServer } from "../../components/docker/alertmanagerServer";
import { GrafanaServer } from "../../components/docker/grafanaServer";
import { LogCollector } from "../../components/docker/logCollector";
import { renderLogCollectorConfig } from "../../components/docker/logCollectorConfig";
import { LogStore } from "../../components/docker/logStore";
import { PostgresExporter } from "../../components/docker/postgresExporter";
import { PrometheusServer } from "../../components/docker/prometheusServer";
import type { LogsPlan, MonitoringPlan } from "../../infra/plan/platformPlan";
import type { DeployedWorkloads } from "./deployedWorkloads";
import type { MonitoringUrls } from "./platformTarget";

export interface DockerMonitoringArgs {
  readonly plan: MonitoringPlan;
  readonly networkName: pulumi.Input<string>;
  /** What is deployed so far, by workload name: what the monitoring's workloads start after. */
  readonly deployed: DeployedWorkloads;
  /** Secret `postgresql://` URL, for the exporter. */
  readonly databaseUrl: pulumi.Input<string>;
  readonly providers: pulumi.ProviderResource[];
}

/** Prometheus, and its page, always run when monitoring is enabled. */
export interface DockerMonitoring extends MonitoringUrls {
  readonly prometheusUrl: pulumi.Output<string>;
  readonly migrationPageUrl: pulumi.Output<string>;
}

/** The monitoring plan on Docker: each planned workload a container on the platform network. */
export function deployDockerMonitoring({
  plan,
  networkName,
  deployed,
  databaseUrl,
  providers,
}: DockerMonitoringArgs): DockerMonitoring {
  if (plan.alertmanager) {
    const { name } = plan.alertmanager;
    deployed.add(name, new AlertmanagerServer(name, { plan: plan.alertmanager, networkName }, { providers }));
  }
  if (plan.postgresExporter) {
    const { name } = plan.postgresExporter;
    deployed.add(
      name,
      new PostgresExporter(name, { plan: plan.postgresExporter, networkName, databaseUrl }, { providers }),
    );
  }
  const prometheus = new PrometheusServer(
    plan.prometheus.name,
    { plan: plan.prometheus, networkName, startAfter: deployed.all(plan.prometheus.startsAfter) },
    { providers },
  );
  deployed.add(plan.prometheus.name, prometheus);
  const logStore = plan.logs ? deployLogPipeline(plan.logs, networkName, deployed, providers) : undefined;
  const grafana = plan.grafana
    ? new GrafanaServer(
        plan.grafana.name,
        { plan: plan.grafana, networkName },
        { providers, dependsOn: deployed.all(plan.grafana.startsAfter) },
      )
    : undefined;

  return {
    prometheusUrl: prometheus.url,
    migrationPageUrl: prometheus.url.apply((url) => `${url}${plan.prometheus.migrationPagePath}`),
    grafanaUrl: grafana?.url,
    grafanaAdminPassword: grafana?.adminPassword,
    logsUrl: logStore?.uiUrl,
  };
}

/**
 * The collector, which ships the lines of every container on the platform network, and the store it sends them to
 * (none here when the logs go to the user's own backend).
 */
function deployLogPipeline(
  logs: LogsPlan,
  networkName: pulumi.Input<string>,
  deployed: DeployedWorkloads,
  providers: pulumi.ProviderResource[],
): LogStore | undefined {
  const store = logs.store
    ? new LogStore(logs.store.name, { plan: logs.store, networkName }, { providers })
    : undefined;
  if (store) deployed.add(logs.store!.name, store);
  new LogCollector(
    "log-collector",
    {
      image: logs.collectorImage,
      networkName,
      dockerDataRoot: logs.dockerDataRoot,
      config: renderLogCollectorConfig({ otlpEndpoint: logs.otlpEndpoint }),
    },
    { providers, dependsOn: deployed.all(logs.startsAfter) },
  );
  return store;
}
