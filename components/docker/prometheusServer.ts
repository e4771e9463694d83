import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { VolumeFile } from "./volumeFile";
import { supportingServiceHealthcheck } from "./supportingServiceHealthcheck";

const PROMETHEUS_HOST = "prometheus";
const PROMETHEUS_PORT = 9090;
const CONFIG_PATH = "/etc/prometheus/prometheus.yml";
const RULES_DIRECTORY = "/etc/prometheus/rules";
const WEIGHTS_DIRECTORY = "/etc/prometheus/weights";

/** Where consoles are uploaded. */
export const PROMETHEUS_CONSOLES_DIRECTORY = "/etc/prometheus/consoles";

/** Serve the consoles, with the console libraries (prom.lib, menu.lib) where the image installs them. */
export const PROMETHEUS_CONSOLE_FLAGS: readonly string[] = [
  `--web.console.templates=${PROMETHEUS_CONSOLES_DIRECTORY}`,
  "--web.console.libraries=/etc/prometheus/console_libraries",
];

/** Where Prometheus serves an uploaded console, under its UI and API address. */
export const consoleUrlPath = (fileName: string) => `/consoles/${fileName}`;

/** The rule files prometheus.yml must load: the uploaded ones and the weights on their volume. */
export const PROMETHEUS_RULE_FILES: readonly string[] = [
  `${RULES_DIRECTORY}/*.rules.yml`,
  `${WEIGHTS_DIRECTORY}/*.rules.yml`,
];

export interface RuleFile {
  /** Must end in `.rules.yml` to match PROMETHEUS_RULE_FILES. */
  readonly fileName: string;
  readonly content: pulumi.Input<string>;
}

export interface ConsoleFile {
  /** Served at consoleUrlPath(fileName). */
  readonly fileName: string;
  /** A console template (Go html/template, with the image's console libraries). */
  readonly content: pulumi.Input<string>;
}

export interface PrometheusServerArgs {
  /** An image whose entrypoint is the Prometheus server, with promtool on PATH and `sh`, `cat` and `mv`. */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** Rendered prometheus.yml; its `rule_files` must list PROMETHEUS_RULE_FILES. */
  readonly config: pulumi.Input<string>;
  /** Rule files that change only when the routes or the gates do (recording and alert rules): uploaded. */
  readonly ruleFiles: readonly RuleFile[];
  /** Console pages, uploaded like the rule files: they change only when the routes do. */
  readonly consoles: readonly ConsoleFile[];
  /** The weight rules, the one rule file a cutover step rewrites. */
  readonly weightRules: RuleFile;
  /** How long samples are kept, e.g. "15d". */
  readonly retention: string;
  /** Host port (bound to 127.0.0.1) for the Prometheus UI and API. */
  readonly hostPort: number;
}

/**
 * Prometheus with its data on a volume, reachable from the host on loopback only. The weight rules live on a volume of
 * their own and are rewritten in place, followed by a SIGHUP that reloads every rule file: a weight change neither
 * replaces nor restarts Prometheus, and it keeps its data and its scrapes.
 */
export class PrometheusServer extends pulumi.ComponentResource {
  /** The UI and API from the host. */
  readonly url: pulumi.Output<string>;
  /** The API from the platform network (Grafana's data source). */
  readonly networkUrl: pulumi.Output<string>;

  constructor(name: string, args: PrometheusServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:PrometheusServer", name, {}, opts);
    const data = new docker.Volume(`${name}-data`, {}, { parent: this });
    const weightsVolume = new docker.Volume(`${name}-weights`, {}, { parent: this });
    const container = new docker.Container(
      name,
      {
        image: args.image,
        command: [
          `--config.file=${CONFIG_PATH}`,
          "--storage.tsdb.path=/prometheus",
          `--storage.tsdb.retention.time=${args.retention}`,
          `--web.listen-address=:${PROMETHEUS_PORT}`,
          ...PROMETHEUS_CONSOLE_FLAGS,
        ],
        uploads: [
          { file: CONFIG_PATH, content: args.config },
          ...args.ruleFiles.map((rules) => ({ file: `${RULES_DIRECTORY}/${rules.fileName}`, content: rules.content })),
          ...args.consoles.map((page) => ({
            file: `${PROMETHEUS_CONSOLES_DIRECTORY}/${page.fileName}`,
            content: page.content,
          })),
        ],
        volumes: [
          { volumeName: data.name, containerPath: "/prometheus" },
          { volumeName: weightsVolume.name, containerPath: WEIGHTS_DIRECTORY, readOnly: true },
        ],
        networksAdvanced: [{ name: args.networkName, aliases: [PROMETHEUS_HOST] }],
        ports: [{ internal: PROMETHEUS_PORT, external: args.hostPort, ip: "127.0.0.1" }],
        // Answering a query is what "healthy" means here; promtool 2.42 has no `check healthy` yet.
        healthcheck: supportingServiceHealthcheck([
          "CMD",
          "promtool",
          "query",
          "instant",
          `http://127.0.0.1:${PROMETHEUS_PORT}`,
          "vector(1)",
        ]),
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      // A host port can be bound by one container at a time, so a replacement must remove the old one first.
      { parent: this, deleteBeforeReplace: true },
    );
    // Written once Prometheus runs (the signal needs its container), then at every weight change. Prometheus starts
    // without it, which only delays the configured-weight series by the seconds until the first write.
    new VolumeFile(
      `${name}-weights-file`,
      {
        volumeName: weightsVolume.name,
        directory: WEIGHTS_DIRECTORY,
        fileName: args.weightRules.fileName,
        content: args.weightRules.content,
        image: args.image,
        reload: { containerName: container.name, signal: "HUP" },
      },
      { parent: this },
    );
    this.url = container.name.apply(() => `http://127.0.0.1:${args.hostPort}`);
    this.networkUrl = pulumi.output(`http://${PROMETHEUS_HOST}:${PROMETHEUS_PORT}`);
    this.registerOutputs({ url: this.url, networkUrl: this.networkUrl });
  }
}
