export const TRAEFIK_HTTP_PORT = 80;
export const TRAEFIK_METRICS_PORT = 9100;
/** The entry point of the metrics port: Prometheus's scrapes and the health endpoint, never the public's requests. */
export const METRICS_ENTRY_POINT = "metrics";
