/**
 * The retry budget of the ingress, either flavour: in any one second, at most `floorPerSecond` plus `share` times the
 * requests routed in that second are sent again (nginx: across all its workers, every request counted; Traefik: across
 * all its routers, the requests of the retried methods counted). A request over the budget gets its failed attempt's
 * error, so that a dying backend cannot pile its whole share onto the surviving one.
 */
export interface FailoverBudget {
  readonly floorPerSecond: number;
  readonly share: number;
}

/**
 * Share 0.5: a dead Flask at the 50% step has about half of all requests to fail over, and each of them gets through;
 * a backend dealt more than half (Flask early on, FastAPI near the end) that dies sends the survivor at most half the
 * traffic on top of its own, instead of all of it. Floor 10 a second: at a few requests a second a share of the second's
 * count is zero or one and the deal may send one backend two requests in a row, while ten retries a second cost the
 * survivor nothing.
 */
export const FAILOVER_BUDGET: FailoverBudget = { floorPerSecond: 10, share: 0.5 };
