/**
 * The recorded series every consumer reads (alert rules, the Grafana dashboard, the cutover command). Series named
 * `migration:route_backend:*` carry the labels `route` (a route id of the routing plan, `default` included) and
 * `backend` (`fastapi` or `flask`); series named `migration:route:*` carry `route` only.
 */
export const SERIES = {
  /** Requests per second over the gates window. */
  requestRate: "migration:route_backend:request_rate",
  /** Requests counted over the gates window. */
  requestsInWindow: "migration:route_backend:requests_in_window",
  /** 5xx responses / all responses over the window; NaN or absent without requests, never a made-up 0. */
  errorRatio: "migration:route_backend:error_ratio",
  latencyP50: "migration:route_backend:latency_p50_seconds",
  latencyP95: "migration:route_backend:latency_p95_seconds",
  latencyP99: "migration:route_backend:latency_p99_seconds",
  /** The share (0..1) of the route's requests in the window that this backend served. */
  observedShare: "migration:route_backend:observed_share",
  /** FastAPI's error ratio minus Flask's. */
  errorRatioDelta: "migration:route:error_ratio_delta",
  /** FastAPI's p99 latency divided by Flask's. */
  latencyP99Ratio: "migration:route:latency_p99_ratio",
  /** Requests per second that failed on one backend and were sent again (failover), over the gates window. */
  failoverRate: "migration:route:failover_rate",
  /** The configured FastAPI weight of the route, in percent (0..100). */
  configuredWeight: "migration:route:configured_weight",
} as const;
