import type { DataSourceRef } from "@grafana/grafana-foundation-sdk/dashboard";

/** The Prometheus data source as provisioned (grafanaProvisioning.ts) and as every dashboard query names it. */
export const PROMETHEUS_DATASOURCE = { name: "Prometheus", type: "prometheus", uid: "migration-prometheus" } as const;

export const PROMETHEUS_DATASOURCE_REF: DataSourceRef = {
  type: PROMETHEUS_DATASOURCE.type,
  uid: PROMETHEUS_DATASOURCE.uid,
};

/**
 * VictoriaLogs, provisioned when the bundled log store is deployed (`monitoring.logs.storeImage`). Its plugin
 * (`victoriametrics-logs-datasource`, Apache-2.0) must be installed in the user-supplied Grafana image.
 */
export const LOGS_DATASOURCE = {
  name: "VictoriaLogs",
  type: "victoriametrics-logs-datasource",
  uid: "migration-logs",
} as const;
