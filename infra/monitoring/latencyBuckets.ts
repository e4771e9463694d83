/**
 * Histogram bucket bounds, in seconds, of every latency a quantile is computed from: the apps' own histograms
 * (`LATENCY_BUCKETS` in apps/fastapi/fastapi_app/observability.py and apps/legacy-flask/legacy_app/metrics.py) and
 * Traefik's per-service histograms. Traefik's default bounds (0.1, 0.3, 1.2, 5) are too coarse for a p99 comparison of
 * two apps answering in milliseconds, and equal bounds everywhere keep the two ingress flavours' figures comparable.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
