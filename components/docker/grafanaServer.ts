import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

const GRAFANA_PORT = 3000;
const PROVISIONING_DIRECTORY = "/etc/grafana/provisioning";

/** Where the dashboard provider must look for dashboards (renderGrafanaDashboardProvider's directory). */
export const GRAFANA_DASHBOARDS_DIRECTORY = "/etc/grafana/dashboards";

export interface GrafanaServerArgs {
  /** A Grafana image (grafana/grafana's contract: it reads GF_* settings from the environment). */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** Rendered data source provisioning file. */
  readonly datasources: pulumi.Input<string>;
  /** Rendered dashboard provider; it must load GRAFANA_DASHBOARDS_DIRECTORY. */
  readonly dashboardProvider: string;
  /** Dashboard JSON files. */
  readonly dashboards: ReadonlyArray<{ readonly fileName: string; readonly content: string }>;
  /** Host port (bound to 127.0.0.1) for the Grafana UI. */
  readonly hostPort: number;
}

/**
 * Grafana with everything provisioned from code: the Prometheus data source and the dashboards, read-only in the UI.
 * No data volume: nothing in it would be worth keeping, and a fresh database takes the admin password again.
 */
export class GrafanaServer extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;
  /** Secret; the user is `admin`. */
  readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: GrafanaServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:GrafanaServer", name, {}, opts);
    const password = new random.RandomPassword(
      `${name}-admin-password`,
      { length: 32, special: false },
      { parent: this },
    );
    const container = new docker.Container(
      name,
      {
        image: args.image,
        envs: [
          `GF_SERVER_HTTP_PORT=${GRAFANA_PORT}`,
          `GF_PATHS_PROVISIONING=${PROVISIONING_DIRECTORY}`,
          "GF_SECURITY_ADMIN_USER=admin",
          pulumi.secret(pulumi.interpolate`GF_SECURITY_ADMIN_PASSWORD=${password.result}`),
        ],
        uploads: [
          { file: `${PROVISIONING_DIRECTORY}/datasources/migration.yml`, content: args.datasources },
          { file: `${PROVISIONING_DIRECTORY}/dashboards/migration.yml`, content: args.dashboardProvider },
          ...args.dashboards.map((dashboard) => ({
            file: `${GRAFANA_DASHBOARDS_DIRECTORY}/${dashboard.fileName}`,
            content: dashboard.content,
          })),
        ],
        networksAdvanced: [{ name: args.networkName, aliases: ["grafana"] }],
        ports: [{ internal: GRAFANA_PORT, external: args.hostPort, ip: "127.0.0.1" }],
        // No health check: which HTTP client a Grafana image ships differs between its variants.
        restart: "unless-stopped",
      },
      // A host port can be bound by one container at a time, so a replacement must remove the old one first.
      { parent: this, deleteBeforeReplace: true },
    );
    this.url = container.name.apply(() => `http://127.0.0.1:${args.hostPort}`);
    this.adminPassword = pulumi.secret(password.result);
    this.registerOutputs({ url: this.url, adminPassword: this.adminPassword });
  }
}
