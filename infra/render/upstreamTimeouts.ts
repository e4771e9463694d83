/**
 * How long either ingress flavour waits on a backend. A backend is on the same host or network, so a connection that
 * takes a second is to a replica that died without a reset (its address no longer answers); a request that waits
 * RESPONSE_SECONDS for its answer is on a hung app. Both end in an error the ingress produces itself (502, 504), which
 * bounds what a hung backend costs and, for a connection failure, lets failover retry the request elsewhere.
 */
export const UPSTREAM_TIMEOUTS = { connectSeconds: 1, responseSeconds: 30 } as const;
