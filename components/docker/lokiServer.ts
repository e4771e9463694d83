import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { LOKI_DATA_DIRECTORY, LOKI_HTTP_PORT } from "../../infra/monitoring/lokiConfig";

const LOKI_HOST = "loki";
const CONFIG_PATH = "/etc/loki/loki.yml";

export interface LokiServerArgs {
  /** An image whose entrypoint is Loki, with wget on PATH (the health check). */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** Rendered loki.yml (renderLokiConfig): its data under LOKI_DATA_DIRECTORY, its API on LOKI_HTTP_PORT. */
  readonly config: pulumi.Input<string>;
  /** Host port (bound to 127.0.0.1) for Loki's API: queries from the host. */
  readonly hostPort: number;
}

/**
 * Loki, one process with its chunks and index on a volume. Its configuration changes only with the retention, so it is
 * uploaded (a change replaces the container; the volume, and the logs in it, stay).
 */
export class LokiServer extends pulumi.ComponentResource {
  /** The API from the host, e.g. for `/loki/api/v1/query_range`. */
  readonly url: pulumi.Output<string>;
  /** The API from the platform network (Grafana's data source). */
  readonly networkUrl: pulumi.Output<string>;
  /** Where the log agent pushes. */
  readonly pushUrl: pulumi.Output<string>;

  constructor(name: string, args: LokiServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:LokiServer", name, {}, opts);
    const data = new docker.Volume(`${name}-data`, {}, { parent: this });
    const container = new docker.Container(
      name,
      {
        image: args.image,
        command: [`-config.file=${CONFIG_PATH}`],
        uploads: [{ file: CONFIG_PATH, content: args.config }],
        volumes: [{ volumeName: data.name, containerPath: LOKI_DATA_DIRECTORY }],
        networksAdvanced: [{ name: args.networkName, aliases: [LOKI_HOST] }],
        ports: [{ internal: LOKI_HTTP_PORT, external: args.hostPort, ip: "127.0.0.1" }],
        // /ready answers 200 once Loki accepts pushes and queries.
        healthcheck: {
          tests: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${LOKI_HTTP_PORT}/ready`],
          interval: "5s",
          timeout: "3s",
          retries: 5,
          startPeriod: "10s",
        },
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      // A host port can be bound by one container at a time, so a replacement must remove the old one first.
      { parent: this, deleteBeforeReplace: true },
    );
    this.url = container.name.apply(() => `http://127.0.0.1:${args.hostPort}`);
    // Known at preview time, so replacing Loki never rewrites the agent's or Grafana's configuration.
    this.networkUrl = pulumi.output(`http://${LOKI_HOST}:${LOKI_HTTP_PORT}`);
    this.pushUrl = pulumi.output(`http://${LOKI_HOST}:${LOKI_HTTP_PORT}/loki/api/v1/push`);
    this.registerOutputs({ url: this.url, networkUrl: this.networkUrl, pushUrl: this.pushUrl });
  }
}
