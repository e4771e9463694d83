import { dump } from "js-yaml";
import { LOGS_DATASOURCE, PROMETHEUS_DATASOURCE } from "./grafanaDatasource";

export interface GrafanaDatasourceUrls {
  /** The migration's Prometheus as Grafana reaches it. */
  readonly prometheus: string;
  /** VictoriaLogs, when the bundled log store is deployed. */
  readonly logs?: string;
}

/**
 * Grafana's data source provisioning file: the migration's Prometheus, the default data source, and VictoriaLogs when
 * the bundled log store is deployed.
 */
export function renderGrafanaDatasources(urls: GrafanaDatasourceUrls, scrapeIntervalSeconds = 5): string {
  return dump(
    {
      apiVersion: 1,
      datasources: [
        {
          ...PROMETHEUS_DATASOURCE,
          access: "proxy",
          url: urls.prometheus,
          isDefault: true,
          editable: false,
          // timeInterval: no query step finer than the scrape interval is worth drawing; manageAlerts: the alert list
          // panel shows Prometheus's own alert rules.
          jsonData: { timeInterval: `${scrapeIntervalSeconds}s`, manageAlerts: true },
        },
        ...(urls.logs
          ? [{ ...LOGS_DATASOURCE, access: "proxy", url: urls.logs, isDefault: false, editable: false }]
          : []),
      ],
    },
    { lineWidth: -1, noRefs: true },
  );
}

/** Grafana's dashboard provider: loads the dashboards found in `directory`, and keeps them as the code made them. */
export function renderGrafanaDashboardProvider(directory: string): string {
  return dump(
    {
      apiVersion: 1,
      providers: [
        {
          name: "migration",
          folder: "Migration",
          type: "file",
          disableDeletion: true,
          allowUiUpdates: false,
          options: { path: directory },
        },
      ],
    },
    { lineWidth: -1, noRefs: true },
  );
}
