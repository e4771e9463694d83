import { selector, type LabelMatcher } from "./promql";
import { SERIES } from "./seriesNames";

/**
 * What the "Flask vs FastAPI" views show, independent of what draws them: the Grafana dashboard
 * (grafanaDashboard.ts) and the Prometheus console page (migrationConsole.ts) both render these panels, so the two
 * always query the same series with the same expressions. Only recorded series are read (seriesNames.ts), so the
 * panels are the same for both ingress flavours, and they depend on route ids, never on weights.
 */

export const MIGRATION_VIEW_TITLE = "Flask vs FastAPI";

/** How a graph's values read; each renderer maps it to its own unit and number format. */
export type PanelUnit = "requestsPerSecond" | "ratio" | "seconds" | "percent";

/** How a query's series are named on the legend: by their `backend` label (a line per backend), or by a fixed text. */
export type LegendName = { readonly label: "backend" } | { readonly text: string };

export interface PanelQuery {
  readonly expr: string;
  readonly legend: LegendName;
}

export interface RouteGraph {
  readonly title: string;
  readonly unit: PanelUnit;
  readonly queries: readonly PanelQuery[];
  /** Fixed bounds of the value axis, for figures that have natural ones. */
  readonly min?: number;
  readonly max?: number;
}

export const routeSectionTitle = (routeId: string) => `Route ${routeId}`;

const ofRoute = (series: string, routeId: string) => selector(series, [{ label: "route", op: "=", value: routeId }]);

/** Both backends of one route on one graph: the series carries `backend`, so one query draws a line per backend. */
const perBackend = (series: string, routeId: string): PanelQuery[] => [
  { expr: ofRoute(series, routeId), legend: { label: "backend" } },
];

/** One route's graphs, in the order they are laid out: rate and failovers, 5xx ratio, p99, configured weight vs observed share. */
export function routeGraphs(routeId: string): RouteGraph[] {
  return [
    {
      title: "Requests/s",
      unit: "requestsPerSecond",
      // Failed over: requests that failed on one backend and went to the other, beside each backend's own rate.
      queries: [
        ...perBackend(SERIES.requestRate, routeId),
        { expr: ofRoute(SERIES.failoverRate, routeId), legend: { text: "failed over" } },
      ],
    },
    { title: "5xx ratio", unit: "ratio", queries: perBackend(SERIES.errorRatio, routeId) },
    { title: "p99 latency", unit: "seconds", queries: perBackend(SERIES.latencyP99, routeId) },
    {
      title: "FastAPI share: configured vs observed",
      unit: "percent",
      queries: [
        { expr: ofRoute(SERIES.configuredWeight, routeId), legend: { text: "configured weight" } },
        {
          expr: `100 * ${selector(SERIES.observedShare, [
            { label: "route", op: "=", value: routeId },
            { label: "backend", op: "=", value: "fastapi" },
          ])}`,
          legend: { text: "observed share" },
        },
      ],
      min: 0,
      max: 100,
    },
  ];
}

/** Every alert rule of alertRules.ts is named `Migration…`. */
const MIGRATION_ALERT_NAMES: LabelMatcher = { label: "alertname", op: "=~", value: "Migration.+" };

/**
 * The migration's alerts, firing or pending. Grafana's alert list filters the instances of its data source's alerts
 * with the label matcher; the console page queries the same matcher on `ALERTS`.
 */
export const MIGRATION_ALERTS = {
  title: "Migration alerts",
  labelMatcher: selector("", [MIGRATION_ALERT_NAMES]),
  query: selector("ALERTS", [MIGRATION_ALERT_NAMES]),
} as const;
