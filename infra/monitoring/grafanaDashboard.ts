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
import { SERIES } from "./seriesNames";

export const DASHBOARD_UID = "migration-flask-vs-fastapi";

/** Grafana's grid is 24 columns wide; each route's row holds four graphs side by side. */
const GRAPH_WIDTH = 6;
const GRAPH_HEIGHT = 8;

interface GraphQuery {
  readonly expr: string;
  readonly legend: string;
}

function graph(title: string, unit: string, queries: readonly GraphQuery[]): TimeseriesPanelBuilder {
  const panel = new TimeseriesPanelBuilder()
    .title(title)
    .unit(unit)
    .datasource(PROMETHEUS_DATASOURCE_REF)
    .span(GRAPH_WIDTH)
    .height(GRAPH_HEIGHT);
  queries.forEach(({ expr, legend }, index) =>
    panel.withTarget(
      new DataqueryBuilder()
        .expr(expr)
        .legendFormat(legend)
        .refId(String.fromCharCode(65 + index))
        .datasource(PROMETHEUS_DATASOURCE_REF),
    ),
  );
  return panel;
}

/** Both backends of one route on one graph: the series carries `backend`, so one query draws a line per backend. */
const perBackend = (series: string, route: string): GraphQuery[] => [
  { expr: `${series}{route="${route}"}`, legend: "{{backend}}" },
];

function routeGraphs(route: string): TimeseriesPanelBuilder[] {
  return [
    graph("Requests/s", "reqps", perBackend(SERIES.requestRate, route)),
    graph("5xx ratio", "percentunit", perBackend(SERIES.errorRatio, route)),
    graph("p99 latency", "s", perBackend(SERIES.latencyP99, route)),
    graph("FastAPI share: configured vs observed", "percent", [
      { expr: `${SERIES.configuredWeight}{route="${route}"}`, legend: "configured weight" },
      { expr: `100 * ${SERIES.observedShare}{route="${route}", backend="fastapi"}`, legend: "observed share" },
    ])
      .min(0)
      .max(100),
  ];
}

/**
 * Grafana's alert list (the SDK has no builder for it): the firing and pending alerts of the Prometheus data source,
 * i.e. the migration's alert rules, which Grafana reads from Prometheus's rules API.
 */
function alertList(): PanelBuilder {
  return new PanelBuilder()
    .type("alertlist")
    .title("Migration alerts")
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
      alertInstanceLabelFilter: "",
      datasource: PROMETHEUS_DATASOURCE.name,
      showInstances: true,
      stateFilter: { firing: true, pending: true, noData: false, normal: false, error: true },
    });
}

/**
 * "Flask vs FastAPI": the alert list, then one row per route of the plan (the default route included) with rate,
 * 5xx ratio and p99 of both backends, and the configured weight beside the observed share. It reads only the recorded
 * series (seriesNames.ts), so it works the same for both ingress flavours, and it depends on route ids, not weights.
 */
export function buildMigrationDashboard(routeIds: readonly string[]): Dashboard {
  // Explicit panel ids: Grafana would number panels itself on load, but links to a panel need ids that stay put.
  let nextId = 1;
  const builder = new DashboardBuilder("Flask vs FastAPI")
    .uid(DASHBOARD_UID)
    .tags(["migration"])
    .refresh("10s")
    .time({ from: "now-1h", to: "now" })
    .withPanel(alertList().id(nextId++));
  for (const route of routeIds) {
    builder.withRow(new RowBuilder(`Route ${route}`).id(nextId++));
    for (const panel of routeGraphs(route)) builder.withPanel(panel.id(nextId++));
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
