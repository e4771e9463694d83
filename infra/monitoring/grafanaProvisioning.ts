import { dump } from "js-yaml";
import { PROMETHEUS_DATASOURCE } from "./grafanaDatasource";

/** Grafana's data source provisioning file: the migration's Prometheus, the default and only data source. */
export function renderGrafanaDatasources(prometheusUrl: string, scrapeIntervalSeconds = 5): string {
  return dump(
    {
      apiVersion: 1,
      datasources: [
        {
          ...PROMETHEUS_DATASOURCE,
          access: "proxy",
          url: prometheusUrl,
          isDefault: true,
          editable: false,
          // timeInterval: no query step finer than the scrape interval is worth drawing; manageAlerts: the alert list
          // panel shows Prometheus's own alert rules.
          jsonData: { timeInterval: `${scrapeIntervalSeconds}s`, manageAlerts: true },
        },
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
