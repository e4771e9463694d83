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
  /**
   * Whole seconds an idle connection to a replica is kept for the next request: below the shortest keep-alive timeout
   * of the apps (gunicorn's default, 2 s; uvicorn's is 5 s). A request the ingress sends on a connection the app is just
   * closing comes back as a 502, so the ingress closes idle connections first (the e2e saw one such 502 in 2,300
   * requests through Traefik before it did).
   */
  readonly idleSeconds: number;
}

export const UPSTREAM_TIMEOUTS: UpstreamTimeouts = { connectSeconds: 1, responseSeconds: 30, idleSeconds: 1 };
