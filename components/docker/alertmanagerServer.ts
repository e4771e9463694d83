import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { supportingServiceHealthcheck } from "./supportingServiceHealthcheck";

const ALERTMANAGER_HOST = "alertmanager";
const ALERTMANAGER_PORT = 9093;
const CONFIG_PATH = "/etc/alertmanager/alertmanager.yml";

export interface AlertmanagerServerArgs {
  /** An image whose entrypoint is the Alertmanager server, with amtool on PATH. */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** Rendered alertmanager.yml; kept secret, since a webhook URL may carry a token. */
  readonly config: pulumi.Input<string>;
}

/** Alertmanager for the migration's alerts, on the platform network only (Prometheus and Grafana show its alerts). */
export class AlertmanagerServer extends pulumi.ComponentResource {
  /** `host:port` on the platform network, where Prometheus sends alerts. */
  readonly address: pulumi.Output<string>;

  constructor(name: string, args: AlertmanagerServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:AlertmanagerServer", name, {}, opts);
    // Silences and the notification log, which must survive a replaced container.
    const data = new docker.Volume(`${name}-data`, {}, { parent: this });
    new docker.Container(
      name,
      {
        image: args.image,
        command: [
          `--config.file=${CONFIG_PATH}`,
          "--storage.path=/alertmanager",
          `--web.listen-address=:${ALERTMANAGER_PORT}`,
          // One instance: no gossip port, no peers to wait for.
          "--cluster.listen-address=",
        ],
        uploads: [{ file: CONFIG_PATH, content: pulumi.secret(args.config) }],
        volumes: [{ volumeName: data.name, containerPath: "/alertmanager" }],
        networksAdvanced: [{ name: args.networkName, aliases: [ALERTMANAGER_HOST] }],
        // `cluster show` reads the status API and prints nothing of the configuration (`config show` would put the
        // webhook URL into the container's health log).
        healthcheck: supportingServiceHealthcheck([
          "CMD",
          "amtool",
          `--alertmanager.url=http://127.0.0.1:${ALERTMANAGER_PORT}`,
          "cluster",
          "show",
        ]),
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      { parent: this },
    );
    // Known at preview time, so replacing Alertmanager never rewrites prometheus.yml (and so never replaces Prometheus).
    this.address = pulumi.output(`${ALERTMANAGER_HOST}:${ALERTMANAGER_PORT}`);
    this.registerOutputs({ address: this.address });
  }
}
