import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { renderAlertRules } from "../../infra/monitoring/alertRules";
import { buildMigrationDashboard, dashboardExpressions } from "../../infra/monitoring/grafanaDashboard";
import { renderMigrationConsole } from "../../infra/monitoring/migrationConsole";
import { MIGRATION_ALERTS, routeGraphs } from "../../infra/monitoring/migrationPanels";
import { devPlatformConfig } from "../support/configs";

const ROUTES = ["api-users-get-head", "api-orders-post-put-patch-delete", "default"];

/** The Go string constants of a console template's graph options, in page order: `expr: [{{ "…" }}, …]`. */
function consoleExpressions(template: string): string[] {
  return [...template.matchAll(/expr: \[(.*?)\], name:/g)].flatMap(([, list]) =>
    [...list.matchAll(/\{\{ ("(?:[^"\\]|\\.)*") \}\}/g)].map(([, literal]) => JSON.parse(literal) as string),
  );
}

describe("the Flask vs FastAPI views", () => {
  it("query exactly the same expressions in the console page as in the Grafana dashboard, in the same order", () => {
    const grafana = dashboardExpressions(buildMigrationDashboard(ROUTES));
    expect(consoleExpressions(renderMigrationConsole(ROUTES))).toEqual(grafana);
    expect(grafana).toEqual(
      ROUTES.flatMap((route) => routeGraphs(route).flatMap((graph) => graph.queries.map((query) => query.expr))),
    );
    expect(grafana).toHaveLength(6 * ROUTES.length);
  });

  it("list the same alerts: Grafana filters its alert list with the matcher the console page queries on ALERTS", () => {
    const alertList = buildMigrationDashboard(ROUTES).panels?.[0] as { options: Record<string, unknown> };
    expect(alertList.options.alertInstanceLabelFilter).toBe('{alertname=~"Migration.+"}');
    expect(MIGRATION_ALERTS.query).toBe('ALERTS{alertname=~"Migration.+"}');
    expect(renderMigrationConsole(ROUTES)).toContain(`{{ with query ${JSON.stringify(MIGRATION_ALERTS.query)} }}`);
  });

  it("cover every alert rule of the migration (Prometheus anchors the regex at both ends)", () => {
    const { groups } = load(renderAlertRules(devPlatformConfig().gates)) as {
      groups: { rules: { alert: string }[] }[];
    };
    const names = groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^Migration.+$/);
  });

  it("quote the route id as a PromQL string in every query", () => {
    const queries = routeGraphs('odd"route\\').flatMap((graph) => graph.queries.map((query) => query.expr));
    for (const expr of queries) expect(expr).toContain('route="odd\\"route\\\\"');
  });
});
