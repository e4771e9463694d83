import type { BackendFigures, MetricsReading, RouteFigures } from "../infra/cutover/routeFigures";
import { SERIES } from "../infra/monitoring/seriesNames";
import { BACKENDS, type BackendName } from "../infra/routing/plan";

/**
 * The recorded series each figure is read from (the monitoring layer's recording rules), each labelled `route` (the
 * routing plan's route id, `default` included) and `backend` (flask | fastapi), computed over `migration:gates.window`.
 */
export const RECORDING_RULES = {
  requestRate: SERIES.requestRate,
  requestsInWindow: SERIES.requestsInWindow,
  errorRatio: SERIES.errorRatio,
  latencyP99Seconds: SERIES.latencyP99,
  observedShare: SERIES.observedShare,
} as const satisfies Record<keyof BackendFigures, string>;

const QUERY_TIMEOUT_MS = 5_000;

/** A sample of an instant vector: which route and, for a per-backend series, which backend; and the value. */
export interface RuleSample {
  readonly route: string;
  readonly backend?: BackendName;
  readonly value: number;
}

class PrometheusError extends Error {}

/** Prometheus writes non-finite values as "NaN", "+Inf" and "-Inf", which Number() does not all read. */
export function parseSampleValue(text: unknown): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return typeof text === "string" && text.trim() !== "" ? Number(text) : NaN;
}

/** The samples of one `/api/v1/query` answer; series without a route or with another backend label are not ours. */
export function parseQueryResponse(body: unknown, rule: string, prometheusUrl: string): RuleSample[] {
  const answer = body as {
    status?: string;
    error?: string;
    errorType?: string;
    data?: { resultType?: string; result?: unknown };
  };
  if (answer?.status !== "success") {
    throw new PrometheusError(
      `Prometheus at ${prometheusUrl} refused the query ${rule}: ${answer?.errorType ?? "error"}: ${answer?.error ?? "no reason given"}`,
    );
  }
  if (answer.data?.resultType !== "vector" || !Array.isArray(answer.data.result)) {
    throw new PrometheusError(
      `Prometheus at ${prometheusUrl} answered the query ${rule} with a ${answer.data?.resultType ?? "missing"} result; expected an instant vector`,
    );
  }
  return (answer.data.result as Array<{ metric?: Record<string, string>; value?: [number, string] }>).flatMap(
    (series) => {
      const route = series.metric?.route;
      const backend = series.metric?.backend as BackendName | undefined;
      if (!route || (backend !== undefined && !BACKENDS.includes(backend))) return [];
      return [{ route, backend, value: parseSampleValue(series.value?.[1]) }];
    },
  );
}

async function query(prometheusUrl: string, rule: string, fetchImpl: typeof fetch): Promise<RuleSample[]> {
  const url = new URL("api/v1/query", prometheusUrl.endsWith("/") ? prometheusUrl : `${prometheusUrl}/`);
  url.searchParams.set("query", rule);
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new PrometheusError(
      `Prometheus at ${prometheusUrl} is unreachable (${cause?.code ?? cause?.message ?? (error as Error).message})`,
    );
  }
  const body = await response.json().catch(() => undefined);
  // Prometheus answers a bad query with 400/422 and a JSON error; anything else without JSON is not Prometheus.
  if (!response.ok && !body)
    throw new PrometheusError(`Prometheus at ${prometheusUrl} answered HTTP ${response.status} to the query ${rule}`);
  return parseQueryResponse(body, rule, prometheusUrl);
}

/**
 * Every figure of every route from Prometheus's HTTP API. A missing series leaves the figure undefined (no data);
 * when Prometheus cannot be asked, the reading says why, naming the URL, and every metric gate is inconclusive.
 */
export async function readMetrics(prometheusUrl: string, fetchImpl: typeof fetch = fetch): Promise<MetricsReading> {
  const fields = Object.keys(RECORDING_RULES) as Array<keyof typeof RECORDING_RULES>;
  let answers: RuleSample[][];
  let failovers: RuleSample[];
  try {
    [failovers, ...answers] = await Promise.all(
      [SERIES.failoverRate, ...fields.map((field) => RECORDING_RULES[field])].map((rule) =>
        query(prometheusUrl, rule, fetchImpl),
      ),
    );
  } catch (error) {
    if (error instanceof PrometheusError) return { available: false, reason: error.message };
    throw error;
  }
  const routes: Record<
    string,
    { flask: Record<string, number>; fastapi: Record<string, number>; failoverRate?: number }
  > = {};
  const routeOf = (id: string) => (routes[id] ??= { flask: {}, fastapi: {} });
  fields.forEach((field, index) => {
    for (const sample of answers[index])
      if (sample.backend) routeOf(sample.route)[sample.backend][field] = sample.value;
  });
  for (const sample of failovers) if (!sample.backend) routeOf(sample.route).failoverRate = sample.value;
  return { available: true, routes: routes as Record<string, RouteFigures> };
}
