import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { GrafanaPlan } from "../../infra/plan/platformPlan";
import { GRAFANA_PROVISIONING_DIRECTORY } from "../../infra/plan/planMonitoring";

export interface GrafanaServerArgs {
  /** Grafana as planned; its image follows grafana/grafana's contract (GF_* settings from the environment). */
  readonly plan: GrafanaPlan;
  readonly networkName: pulumi.Input<string>;
}

/**
 * Grafana with everything provisioned from code: the data sources and the dashboards, read-only in the UI. No data
 * volume: nothing in it would be worth keeping, and a fresh database takes the admin password again.
 */
export class GrafanaServer extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;
  /** Secret; the user is `admin`. */
  readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: GrafanaServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:GrafanaServer", name, {}, opts);
    const { plan } = args;
    const password = new random.RandomPassword(
      `${name}-admin-password`,
      { length: 32, special: false },
      { parent: this },
    );
    const container = new docker.Container(
      name,
      {
        image: plan.image,
        envs: [
          `GF_SERVER_HTTP_PORT=${plan.port}`,
          `GF_PATHS_PROVISIONING=${GRAFANA_PROVISIONING_DIRECTORY}`,
          "GF_SECURITY_ADMIN_USER=admin",
          pulumi.secret(pulumi.interpolate`GF_SECURITY_ADMIN_PASSWORD=${password.result}`),
        ],
        uploads: plan.files.map((file) => ({ file: file.path, content: file.content })),
        networksAdvanced: [{ name: args.networkName, aliases: [plan.host] }],
        ports: [{ internal: plan.port, external: plan.hostPort, ip: "127.0.0.1" }],
        restart: "unless-stopped",
      },
      // A host port can be bound by one container at a time, so a replacement must remove the old one first.
      { parent: this, deleteBeforeReplace: true },
    );
    this.url = container.name.apply(() => `http://127.0.0.1:${plan.hostPort}`);
    this.adminPassword = pulumi.secret(password.result);
    this.registerOutputs({ url: this.url, adminPassword: this.adminPassword });
  }
}
