/** The figures the project must reach, from ../shared/DESIGN.md ("Figures the project must reach"). */
export const BARS = {
  /** Observed FastAPI share per route within this many percentage points of the configured weight. */
  splitTolerancePoints: 1,
  /** Requests per measured route in the split check. */
  splitRequests: 10_000,
  /** `pulumi up` of a weight-only change. */
  weightChangeUpSeconds: 15,
  /** Observed split converged after `pulumi up` returns. */
  convergeSeconds: 3,
  /** Rollback to 0% FastAPI, end to end. */
  rollbackSeconds: 10,
  /** The ingress's CPU time per request as a share of the FastAPI replica's for the same requests (cgroup accounting). */
  ingressCpuShare: 0.1,
  /** p50 added by the ingress hop at one connection. */
  ingressAddedP50Ms: 1,
  /** After PostgreSQL restarts: both apps serving again within this long of it accepting connections (issue 19). */
  appsBackAfterDatabaseSeconds: 5,
  /** After the Docker engine restarts: every container of both stacks running and healthy again (issue 19). */
  containersBackAfterEngineSeconds: 60,
} as const;
