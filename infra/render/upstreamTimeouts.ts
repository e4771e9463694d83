/**
 * How long either ingress flavour waits on a backend. A backend is on the same host or network, so a connection that
 * takes a second is to a replica that died without a reset (its address no longer answers); a request that waits
 * RESPONSE_SECONDS for its answer is on a hung app. Both end in an error the ingress produces itself (502, 504), which
 * bounds what a hung backend costs and, for a connection failure, lets failover retry the request elsewhere.
 */
export interface UpstreamTimeouts {
  /** Whole seconds to connect to a replica; also how long nginx's failover target may take to accept a connection. */
  readonly connectSeconds: number;
  /** Whole seconds to wait for the answer (nginx: between two writes of the request or two reads of the answer). */
  readonly responseSeconds: number;
}

export const UPSTREAM_TIMEOUTS: UpstreamTimeouts = { connectSeconds: 1, responseSeconds: 30 };
