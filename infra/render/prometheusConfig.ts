import { dump } from "js-yaml";

export interface ScrapeTarget {
  readonly job: string;
  /** `host:port` reachable from the Prometheus container. */
  readonly address: string;
  readonly metricsPath: string;
}

export interface PrometheusOptions {
  readonly scrapeIntervalSeconds?: number;
  /** Rule files as seen inside the Prometheus container; globs are allowed. */
  readonly ruleFiles?: readonly string[];
  /** `host:port` of each Alertmanager the alerts are sent to. */
  readonly alertmanagers?: readonly string[];
}

/** One scrape job per name, listing every address of it (each replica of an app is a target of the same job). */
function scrapeConfigs(targets: readonly ScrapeTarget[]) {
  const jobs = new Map<string, { metricsPath: string; addresses: string[] }>();
  for (const target of targets) {
    const job = jobs.get(target.job) ?? { metricsPath: target.metricsPath, addresses: [] };
    if (job.metricsPath !== target.metricsPath) {
      throw new Error(
        `scrape job ${target.job}: every target of a job must share one metrics path (got ${job.metricsPath} and ${target.metricsPath})`,
      );
    }
    job.addresses.push(target.address);
    jobs.set(target.job, job);
  }
  return [...jobs].map(([job, { metricsPath, addresses }]) => ({
    job_name: job,
    metrics_path: metricsPath,
    static_configs: [{ targets: addresses }],
  }));
}

/**
 * prometheus.yml. It lists scrape targets, rule files and Alertmanagers, never weights, so advancing the cutover leaves
 * it (and Prometheus's data) untouched; the weights live in a rule file of their own.
 */
export function renderPrometheusConfig(targets: readonly ScrapeTarget[], options: PrometheusOptions = {}): string {
  const interval = `${options.scrapeIntervalSeconds ?? 5}s`;
  return dump(
    {
      global: { scrape_interval: interval, evaluation_interval: interval },
      ...(options.ruleFiles?.length ? { rule_files: [...options.ruleFiles] } : {}),
      ...(options.alertmanagers?.length
        ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [...options.alertmanagers] }] }] } }
        : {}),
      scrape_configs: scrapeConfigs(targets),
    },
    { lineWidth: -1, noRefs: true },
  );
}
