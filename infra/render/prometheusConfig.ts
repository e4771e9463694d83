import { dump } from "js-yaml";

export interface ScrapeTarget {
  readonly job: string;
  /** `host:port` reachable from the Prometheus container. */
  readonly address: string;
  readonly metricsPath: string;
}

/**
 * prometheus.yml. It lists scrape targets only, never weights, so advancing the cutover leaves Prometheus (and its
 * data) untouched.
 */
export function renderPrometheusConfig(targets: readonly ScrapeTarget[], scrapeIntervalSeconds = 5): string {
  return dump(
    {
      global: { scrape_interval: `${scrapeIntervalSeconds}s`, evaluation_interval: `${scrapeIntervalSeconds}s` },
      scrape_configs: targets.map((target) => ({
        job_name: target.job,
        metrics_path: target.metricsPath,
        static_configs: [{ targets: [target.address] }],
      })),
    },
    { lineWidth: -1, noRefs: true },
  );
}
