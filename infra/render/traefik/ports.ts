export const TRAEFIK_HTTP_PORT = 80;
export const TRAEFIK_METRICS_PORT = 9100;
