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
  /** Requests/s through the ingress as a share of direct-to-app, same concurrency. */
  ingressThroughputRatio: 0.9,
  /** p99 added by the ingress hop. */
  ingressAddedP99Ms: 2,
} as const;
