import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import {
  DASHBOARD_UID,
  buildMigrationDashboard,
  dashboardExpressions,
  renderMigrationDashboard,
} from "../../infra/monitoring/grafanaDashboard";
import { renderGrafanaDashboardProvider, renderGrafanaDatasources } from "../../infra/monitoring/grafanaProvisioning";

const ROUTES = ["api-users-get-head", "default"];

interface PanelJson {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; legendFormat: string; refId: string; datasource: { uid: string } }>;
  fieldConfig?: { defaults: { unit?: string; min?: number; max?: number } };
  options?: Record<string, unknown>;
  panels?: unknown[];
}

const dashboard = JSON.parse(renderMigrationDashboard(ROUTES)) as { uid: string; title: string; panels: PanelJson[] };
const datasources = load(renderGrafanaDatasources({ prometheus: "http://prometheus:9090" })) as {
  apiVersion: number;
  datasources: Array<Record<string, any>>;
};

describe("the Flask vs FastAPI dashboard", () => {
  it("opens with the list of the migration's alerts from the Prometheus data source", () => {
    const [alerts] = dashboard.panels;
    expect(dashboard).toMatchObject({ uid: DASHBOARD_UID, title: "Flask vs FastAPI" });
    expect(alerts).toMatchObject({ type: "alertlist", title: "Migration alerts", gridPos: { x: 0, y: 0, w: 24 } });
    expect(alerts.options).toMatchObject({
      datasource: datasources.datasources[0].name,
      alertInstanceLabelFilter: '{alertname=~"Migration.+"}',
      stateFilter: { firing: true, pending: true },
    });
  });

  it("has one row per route, each with rate, 5xx ratio, p99 and configured-vs-observed weight side by side", () => {
    const layout = dashboard.panels
      .slice(1)
      .map((panel) => (panel.type === "row" ? `row:${panel.title}` : panel.title));
    const graphs = ["Requests/s", "5xx ratio", "p99 latency", "FastAPI share: configured vs observed"];
    expect(layout).toEqual(ROUTES.flatMap((route) => [`row:Route ${route}`, ...graphs]));
    for (const row of dashboard.panels.filter((panel) => panel.type === "row")) expect(row.panels).toEqual([]);
    const firstRow = dashboard.panels.slice(2, 6);
    expect(firstRow.map((panel) => panel.gridPos.x)).toEqual([0, 6, 12, 18]);
    expect(new Set(firstRow.map((panel) => panel.gridPos.y)).size).toBe(1);
    expect(firstRow.map((panel) => panel.fieldConfig?.defaults.unit)).toEqual(["reqps", "percentunit", "s", "percent"]);
    expect(firstRow[3].fieldConfig?.defaults).toMatchObject({ min: 0, max: 100 });
  });

  it("draws both backends of a route on one graph, from the recorded series only", () => {
    const [rate, errors, p99, weight] = dashboard.panels.slice(2, 6);
    expect(rate.targets).toMatchObject([
      { expr: 'migration:route_backend:request_rate{route="api-users-get-head"}', legendFormat: "{{backend}}" },
      { expr: 'migration:route:failover_rate{route="api-users-get-head"}', legendFormat: "failed over" },
    ]);
    expect(errors.targets).toMatchObject([
      { expr: 'migration:route_backend:error_ratio{route="api-users-get-head"}', legendFormat: "{{backend}}" },
    ]);
    expect(p99.targets).toMatchObject([
      { expr: 'migration:route_backend:latency_p99_seconds{route="api-users-get-head"}', legendFormat: "{{backend}}" },
    ]);
    expect(weight.targets).toMatchObject([
      {
        expr: 'migration:route:configured_weight{route="api-users-get-head"}',
        legendFormat: "configured weight",
        refId: "A",
      },
      {
        expr: '100 * migration:route_backend:observed_share{route="api-users-get-head", backend="fastapi"}',
        legendFormat: "observed share",
        refId: "B",
      },
    ]);
  });

  it("queries the provisioned data source everywhere and numbers its panels uniquely", () => {
    const uid = datasources.datasources[0].uid;
    const graphs = dashboard.panels.filter((panel) => panel.type === "timeseries");
    expect(graphs).toHaveLength(4 * ROUTES.length);
    for (const panel of graphs) {
      expect(panel.datasource).toEqual({ type: "prometheus", uid });
      for (const target of panel.targets ?? []) expect(target.datasource.uid).toBe(uid);
    }
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lists every PromQL expression it queries", () => {
    const expressions = dashboardExpressions(buildMigrationDashboard(ROUTES));
    const queried = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
    expect(expressions).toEqual(queried);
    expect(expressions).toHaveLength(6 * ROUTES.length);
  });
});

describe("Grafana provisioning", () => {
  it("provisions Prometheus as the default, read-only data source", () => {
    expect(datasources).toEqual({
      apiVersion: 1,
      datasources: [
        {
          name: "Prometheus",
          type: "prometheus",
          uid: "migration-prometheus",
          access: "proxy",
          url: "http://prometheus:9090",
          isDefault: true,
          editable: false,
          jsonData: { timeInterval: "5s", manageAlerts: true },
        },
      ],
    });
  });

  it("adds VictoriaLogs as a second, read-only data source when the log store is deployed", () => {
    const withLogs = load(
      renderGrafanaDatasources({ prometheus: "http://prometheus:9090", logs: "http://victorialogs:9428" }),
    ) as typeof datasources;
    expect(withLogs.datasources.map((source) => source.name)).toEqual(["Prometheus", "VictoriaLogs"]);
    expect(withLogs.datasources[0]).toEqual(datasources.datasources[0]);
    expect(withLogs.datasources[1]).toEqual({
      name: "VictoriaLogs",
      type: "victoriametrics-logs-datasource",
      uid: "migration-logs",
      access: "proxy",
      url: "http://victorialogs:9428",
      isDefault: false,
      editable: false,
    });
  });

  it("loads the dashboards of a directory and keeps them as generated", () => {
    expect(load(renderGrafanaDashboardProvider("/var/lib/grafana/dashboards"))).toEqual({
      apiVersion: 1,
      providers: [
        {
          name: "migration",
          folder: "Migration",
          type: "file",
          disableDeletion: true,
          allowUiUpdates: false,
          options: { path: "/var/lib/grafana/dashboards" },
        },
      ],
    });
  });
});
