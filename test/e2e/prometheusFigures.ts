import { buildMigrationDashboard, dashboardExpressions } from "../../infra/monitoring/grafanaDashboard";
import { routeBackendQueries, routeFailoverQuery, type RouteFigures } from "../../infra/monitoring/routeBackendSources";
import { SERIES } from "../../infra/monitoring/seriesNames";
import { backendServers } from "../../components/docker/addressing";
import { BACKENDS, buildRoutingPlan } from "../../infra/routing/plan";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "../support/configs";

/** The dev stage's routes as the platform plans them (ids, paths, methods): what the recording rules are built from. */
const DEV_ROUTES = (() => {
  const config = devPlatformConfig();
  return buildRoutingPlan(snapshotOf(config), config, backendServers(config)).routes;
})();

/** An instant query's samples; throws with Prometheus's reason when it refuses the expression. */
export async function query(
  prometheusUrl: string,
  expression: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expression })}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== "success") throw new Error(`Prometheus refused ${expression}: ${body.error}`);
  return body.data.result;
}

/**
 * FastAPI's share (percent) of one route's requests over the last `seconds`, from the sources the journey's recording
 * rules read (`figures`: Traefik's per-service counters, or the nginx router's), so the e2e can hold it against the
 * load generator's own count.
 */
export async function prometheusFastapiShare(
  prometheusUrl: string,
  figures: RouteFigures,
  routeId: string,
  seconds: number,
): Promise<number> {
  const route = DEV_ROUTES.find((candidate) => candidate.id === routeId);
  if (!route)
    throw new Error(`no route ${routeId} in the dev stage (routes: ${DEV_ROUTES.map((route) => route.id).join(", ")})`);
  const counts = Object.fromEntries(
    await Promise.all(
      BACKENDS.map(async (backend) => {
        const [sample] = await query(
          prometheusUrl,
          routeBackendQueries(figures, route, backend, `${seconds}s`).requests("increase", false),
        );
        return [backend, sample === undefined ? 0 : Number(sample.value[1])] as const;
      }),
    ),
  );
  const total = counts.fastapi + counts.flask;
  return total === 0 ? Number.NaN : (100 * counts.fastapi) / total;
}

/** Requests of every route that failed on one backend and were sent again (failover) over the last `seconds`. */
export async function prometheusFailovers(
  prometheusUrl: string,
  figures: RouteFigures,
  seconds: number,
): Promise<number> {
  const counts = await Promise.all(
    DEV_ROUTES.map(async (route) => {
      const [sample] = await query(prometheusUrl, routeFailoverQuery(figures, route, "count", `${seconds}s`));
      return sample === undefined ? 0 : Number(sample.value[1]);
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Every per-route, per-backend recording rule, and the backends it has a series for. */
export async function recordedBackends(prometheusUrl: string): Promise<Record<string, string[]>> {
  const perBackend = Object.values(SERIES).filter((name) => name.startsWith("migration:route_backend:"));
  const entries = await Promise.all(
    perBackend.map(async (name) => {
      const series = await query(prometheusUrl, `count by (backend) (${name})`);
      return [name, series.map((sample) => sample.metric.backend).sort()] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * The "Flask vs FastAPI" dashboard's queries for the routes that carry traffic in the e2e, each with the number of
 * series Prometheus returns for it: Grafana cannot run here, so this is the proof that its panels would show data.
 */
export async function dashboardSeriesCounts(
  prometheusUrl: string,
  routeIds: readonly string[],
): Promise<Record<string, number>> {
  const expressions = dashboardExpressions(buildMigrationDashboard(routeIds));
  const counts = await Promise.all(
    expressions.map(async (expression) => [expression, (await query(prometheusUrl, expression)).length] as const),
  );
  return Object.fromEntries(counts);
}
