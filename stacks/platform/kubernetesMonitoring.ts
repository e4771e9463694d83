import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { podsService } from "../../components/kubernetes/appService";
import type { ClaimStorage } from "../../components/kubernetes/dataClaim";
import { LogCollector } from "../../components/kubernetes/logCollector";
import { renderKubernetesLogCollectorConfig } from "../../components/kubernetes/logCollectorConfig";
import { IMAGE_USERS } from "../../components/kubernetes/podSecurity";
import { SupportingService } from "../../components/kubernetes/supportingService";
import type { DatabaseUrls } from "../../components/databaseUrls";
import type { MonitoringPlan } from "../../infra/plan/platformPlan";
import type { MonitoringUrls } from "./platformTarget";

/** Where the monitoring runs, and what its workloads need from the platform. */
export interface KubernetesMonitoringArgs {
  readonly namespace: string;
  /** The workloads Prometheus scrapes (the ingress and both apps), each by name and the port it serves metrics on. */
  readonly scraped: readonly { readonly workload: string; readonly port: number }[];
  /** Prometheus's claim. */
  readonly storage: ClaimStorage;
  /** The log store's claim, when it runs. */
  readonly logStorage?: ClaimStorage;
  /** The kubelet's pod log directory on the nodes, which the log collector reads. */
  readonly podLogsDirectory: string;
  /** The database URLs the exporter connects with. */
  readonly databaseUrls: DatabaseUrls;
  readonly imagePullSecrets?: pulumi.Input<{ name: pulumi.Input<string> }[]>;
  readonly providers: pulumi.ProviderResource[];
  readonly cluster?: k8s.Provider;
  readonly dependsOn: pulumi.Resource[];
}

/** Alertmanager keeps silences and its notification log: small, but worth a restart. */
const ALERTMANAGER_STORAGE = "1Gi";

/**
 * The monitoring plan on Kubernetes: Prometheus, Alertmanager, the PostgreSQL exporter and VictoriaLogs as one pod
 * each in the stack's namespace, the log collector on every node, and a headless Service per scraped workload that
 * Prometheus resolves to every pod of it. Prometheus needs no access to the cluster's API: it finds the pods through
 * DNS and reads the weights from Traefik (see the target's MonitoringFacts).
 */
export function deployKubernetesMonitoring(
  monitoring: MonitoringPlan,
  {
    namespace,
    scraped,
    storage,
    logStorage,
    podLogsDirectory,
    databaseUrls,
    imagePullSecrets,
    providers,
    cluster,
    dependsOn,
  }: KubernetesMonitoringArgs,
): MonitoringUrls {
  const discovery = scraped.map(({ workload, port }) =>
    podsService(workload, port, namespace, { provider: cluster, dependsOn }),
  );
  const opts = { providers, dependsOn };
  const alertmanager =
    monitoring.alertmanager &&
    new SupportingService(
      monitoring.alertmanager.name,
      {
        plan: monitoring.alertmanager,
        namespace,
        runAs: IMAGE_USERS.debianPrometheus,
        data: { storage: ALERTMANAGER_STORAGE, storageClass: storage.storageClass },
        imagePullSecrets,
      },
      opts,
    );
  const exporter =
    monitoring.postgresExporter &&
    new SupportingService(
      monitoring.postgresExporter.name,
      {
        plan: monitoring.postgresExporter,
        namespace,
        runAs: IMAGE_USERS.debianPrometheus,
        databaseUrls,
        imagePullSecrets,
      },
      opts,
    );
  // Started once what it scrapes and alerts to can be found, so that its first figures are not failures.
  const companions = [alertmanager, exporter].filter((companion) => companion !== undefined);
  const prometheus = new SupportingService(
    monitoring.prometheus.name,
    { plan: monitoring.prometheus, namespace, runAs: IMAGE_USERS.debianPrometheus, data: storage, imagePullSecrets },
    { providers, dependsOn: [...dependsOn, ...discovery, ...companions] },
  );
  const logs = monitoring.logs;
  const logStore =
    logs?.store &&
    new SupportingService(
      logs.store.name,
      {
        plan: logs.store,
        namespace,
        runAs: IMAGE_USERS.victoriaLogs,
        data: logStorage,
        imagePullSecrets,
      },
      opts,
    );
  if (logs)
    new LogCollector(
      "log-collector",
      {
        image: logs.collectorImage,
        namespace,
        config: renderKubernetesLogCollectorConfig({ otlpEndpoint: logs.otlpEndpoint, namespace }),
        podLogsDirectory,
        imagePullSecrets,
      },
      // Started once the store answers, so that its first sends are not refused (it would retry them, logging each).
      { providers, dependsOn: [...dependsOn, ...(logStore ? [logStore] : [])] },
    );

  return {
    logsUrl: logStore && logs?.store && logStore.url.apply((url) => `${url}${logs.store!.uiPath}`),
    prometheusUrl: prometheus.url,
    migrationPageUrl: prometheus.url.apply((url) => `${url}${monitoring.prometheus.migrationPagePath}`),
  };
}
