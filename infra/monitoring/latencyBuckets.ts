/**
 * Histogram bucket bounds, in seconds, of every latency a quantile is computed from: the apps' own histograms
 * (`LATENCY_BUCKETS` in apps/fastapi/fastapi_app/observability.py and apps/legacy-flask/legacy_app/metrics.py) and
 * Traefik's per-service histograms. Traefik's default bounds (0.1, 0.3, 1.2, 5) are too coarse for a p99 comparison of
 * two apps answering in milliseconds, and equal bounds everywhere keep the two ingress flavours' figures comparable.
 *
 * From 5 ms to 1 s neighbouring bounds are at most 1.5× apart. A quantile is interpolated inside one bucket, so it can
 * be off by up to the bucket's width: with bounds that double (the earlier 25, 50, 100 ms) two p99s either side of
 * 50 ms could compare as a factor of 2 or more, and the latency gate (FastAPI's p99 at most `latencyP99Multiple`,
 * default 1.5, × Flask's) would have judged the buckets rather than the apps.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5,
  10,
];
