import type { DataSourceRef } from "@grafana/grafana-foundation-sdk/dashboard";

/** The Prometheus data source as provisioned (grafanaProvisioning.ts) and as every dashboard query names it. */
export const PROMETHEUS_DATASOURCE = { name: "Prometheus", type: "prometheus", uid: "migration-prometheus" } as const;

export const PROMETHEUS_DATASOURCE_REF: DataSourceRef = {
  type: PROMETHEUS_DATASOURCE.type,
  uid: PROMETHEUS_DATASOURCE.uid,
};

/** The Loki data source, provisioned when the log pipeline is deployed (`monitoring.logs`). */
export const LOKI_DATASOURCE = { name: "Loki", type: "loki", uid: "migration-loki" } as const;
