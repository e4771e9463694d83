import {
  DashboardBuilder,
  PanelBuilder,
  RowBuilder,
  type Dashboard,
  type Panel,
  type RowPanel,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as TimeseriesPanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { PROMETHEUS_DATASOURCE, PROMETHEUS_DATASOURCE_REF } from "./grafanaDatasource";
import {
  MIGRATION_ALERTS,
  MIGRATION_VIEW_TITLE,
  routeGraphs,
  routeSectionTitle,
  type LegendName,
  type PanelUnit,
  type RouteGraph,
} from "./migrationPanels";

export const DASHBOARD_UID = "migration-flask-vs-fastapi";

/** Grafana's grid is 24 columns wide; each route's row holds four graphs side by side. */
const GRAPH_WIDTH = 6;
const GRAPH_HEIGHT = 8;

const GRAFANA_UNITS: Record<PanelUnit, string> = {
  requestsPerSecond: "reqps",
  ratio: "percentunit",
  seconds: "s",
  percent: "percent",
};

const legendFormat = (legend: LegendName) => ("label" in legend ? `{{${legend.label}}}` : legend.text);

function graph({ title, unit, queries, min, max }: RouteGraph): TimeseriesPanelBuilder {
  const panel = new TimeseriesPanelBuilder()
    .title(title)
    .unit(GRAFANA_UNITS[unit])
    .datasource(PROMETHEUS_DATASOURCE_REF)
    .span(GRAPH_WIDTH)
    .height(GRAPH_HEIGHT);
  if (min !== undefined) panel.min(min);
  if (max !== undefined) panel.max(max);
  queries.forEach(({ expr, legend }, index) =>
    panel.withTarget(
      new DataqueryBuilder()
        .expr(expr)
        .legendFormat(legendFormat(legend))
        .refId(String.fromCharCode(65 + index))
        .datasource(PROMETHEUS_DATASOURCE_REF),
    ),
  );
  return panel;
}

/**
 * Grafana's alert list (the SDK has no builder for it): the firing and pending alerts of the Prometheus data source
 * that are the migration's, which Grafana reads from Prometheus's rules API.
 */
function alertList(): PanelBuilder {
  return new PanelBuilder()
    .type("alertlist")
    .title(MIGRATION_ALERTS.title)
    .span(24)
    .height(6)
    .options({
      viewMode: "list",
      groupMode: "default",
      groupBy: [],
      maxItems: 20,
      sortOrder: 3, // by importance
      dashboardAlerts: false,
      alertName: "",
      alertInstanceLabelFilter: MIGRATION_ALERTS.labelMatcher,
      datasource: PROMETHEUS_DATASOURCE.name,
      showInstances: true,
      stateFilter: { firing: true, pending: true, noData: false, normal: false, error: true },
    });
}

/**
 * "Flask vs FastAPI": the alert list, then one row per route of the plan (the default route included) with the
 * panels of migrationPanels.ts: rate, 5xx ratio and p99 of both backends, and the configured weight beside the
 * observed share.
 */
export function buildMigrationDashboard(routeIds: readonly string[]): Dashboard {
  // Explicit panel ids: Grafana would number panels itself on load, but links to a panel need ids that stay put.
  let nextId = 1;
  const builder = new DashboardBuilder(MIGRATION_VIEW_TITLE)
    .uid(DASHBOARD_UID)
    .tags(["migration"])
    .refresh("10s")
    .time({ from: "now-1h", to: "now" })
    .withPanel(alertList().id(nextId++));
  for (const route of routeIds) {
    builder.withRow(new RowBuilder(routeSectionTitle(route)).id(nextId++));
    for (const panel of routeGraphs(route)) builder.withPanel(graph(panel).id(nextId++));
  }
  return builder.build();
}

export function renderMigrationDashboard(routeIds: readonly string[]): string {
  return `${JSON.stringify(buildMigrationDashboard(routeIds), null, 2)}\n`;
}

/** Every PromQL expression a dashboard queries, in panel order (rows' collapsed panels included). */
export function dashboardExpressions(dashboard: Dashboard): string[] {
  const panels = (dashboard.panels ?? []).flatMap((panel: Panel | RowPanel): Panel[] =>
    panel.type === "row" ? (panel as RowPanel).panels : [panel as Panel],
  );
  return panels.flatMap((panel) =>
    (panel.targets ?? [])
      .map((target) => (target as { expr?: string }).expr)
      .filter((expr): expr is string => expr !== undefined),
  );
}
