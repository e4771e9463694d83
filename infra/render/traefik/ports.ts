import type { BackendName } from "../../routing/plan";

export const TRAEFIK_HTTP_PORT = 80;
export const TRAEFIK_METRICS_PORT = 9100;

/**
 * Each backend is reached through an internal entry point on loopback whose router stamps the served-by header: a
 * weighted service picks between services, and only routers can carry middlewares, so the extra local hop is how the
 * ingress learns (and tells) which backend answered.
 */
export const TRAEFIK_HOP_PORTS: Record<BackendName, number> = { fastapi: 8101, flask: 8102 };
