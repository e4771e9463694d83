import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

const CONFIG_PATH = "/etc/prometheus/prometheus.yml";
const PROMETHEUS_PORT = 9090;

export interface PrometheusServerArgs {
  /** An image whose entrypoint is the Prometheus server, with promtool on PATH. */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** Rendered prometheus.yml. */
  readonly config: pulumi.Input<string>;
  /** How long samples are kept, e.g. "15d". */
  readonly retention: string;
  /** Host port (bound to 127.0.0.1) for the Prometheus UI and API. */
  readonly hostPort: number;
}

/** Prometheus with its data on a volume, reachable from the host on loopback only. */
export class PrometheusServer extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: PrometheusServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:PrometheusServer", name, {}, opts);
    const data = new docker.Volume(`${name}-data`, {}, { parent: this });
    const container = new docker.Container(
      name,
      {
        image: args.image,
        command: [
          `--config.file=${CONFIG_PATH}`,
          "--storage.tsdb.path=/prometheus",
          `--storage.tsdb.retention.time=${args.retention}`,
          `--web.listen-address=:${PROMETHEUS_PORT}`,
        ],
        uploads: [{ file: CONFIG_PATH, content: args.config }],
        volumes: [{ volumeName: data.name, containerPath: "/prometheus" }],
        networksAdvanced: [{ name: args.networkName, aliases: ["prometheus"] }],
        ports: [{ internal: PROMETHEUS_PORT, external: args.hostPort, ip: "127.0.0.1" }],
        // Answering a query is what "healthy" means here; promtool 2.42 has no `check healthy` yet.
        healthcheck: { tests: ["CMD", "promtool", "query", "instant", `http://127.0.0.1:${PROMETHEUS_PORT}`, "vector(1)"], interval: "5s", timeout: "3s", retries: 5, startPeriod: "5s" },
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      // A host port can be bound by one container at a time, so a replacement must remove the old one first.
      { parent: this, deleteBeforeReplace: true },
    );
    this.url = container.name.apply(() => `http://127.0.0.1:${args.hostPort}`);
    this.registerOutputs({ url: this.url });
  }
}
