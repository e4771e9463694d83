import { dump } from "js-yaml";

export interface ScrapeTarget {
  readonly job: string;
  /** `host:port` reachable from the Prometheus container. */
  readonly address: string;
  readonly metricsPath: string;
  /** The host names every replica (it resolves to each one's address): each is scraped, found again as they change. */
  readonly everyPod?: true;
}

/** How often a name standing for every replica is resolved again: a new replica is scraped within this. */
const DNS_REFRESH = "5s";

export interface PrometheusOptions {
  readonly scrapeIntervalSeconds?: number;
  /** Rule files as seen inside the Prometheus container; globs are allowed. */
  readonly ruleFiles?: readonly string[];
  /** `host:port` of each Alertmanager the alerts are sent to. */
  readonly alertmanagers?: readonly string[];
}

/** The host and the port of a `host:port` address. */
export function splitAddress(address: string): { readonly host: string; readonly port: number } {
  const separator = address.lastIndexOf(":");
  return { host: address.slice(0, separator), port: Number(address.slice(separator + 1)) };
}

/** Where one job's targets come from: the addresses as listed, or each name resolved to every replica's address. */
function discoveryOf(targets: readonly ScrapeTarget[]) {
  if (!targets[0].everyPod) return { static_configs: [{ targets: targets.map((target) => target.address) }] };
  return {
    dns_sd_configs: targets.map(({ address }) => {
      const { host, port } = splitAddress(address);
      return { names: [host], type: "A", port, refresh_interval: DNS_REFRESH };
    }),
  };
}

/** One scrape job per name, listing every address of it (each replica of an app is a target of the same job). */
function scrapeConfigs(targets: readonly ScrapeTarget[]) {
  const jobs = new Map<string, ScrapeTarget[]>();
  for (const target of targets) {
    const job = jobs.get(target.job) ?? [];
    const [first] = job;
    if (first && first.metricsPath !== target.metricsPath) {
      throw new Error(
        `scrape job ${target.job}: every target of a job must share one metrics path (got ${first.metricsPath} and ${target.metricsPath})`,
      );
    }
    if (first && first.everyPod !== target.everyPod) {
      throw new Error(`scrape job ${target.job}: every target of a job must be found the same way (listed or by name)`);
    }
    jobs.set(target.job, [...job, target]);
  }
  return [...jobs].map(([job, jobTargets]) => ({
    job_name: job,
    metrics_path: jobTargets[0].metricsPath,
    ...discoveryOf(jobTargets),
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
