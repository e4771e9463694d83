import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

const EXPORTER_HOST = "postgres-exporter";
// The postgres_exporter convention, and the binary's default.
const EXPORTER_PORT = 9187;

export interface PostgresExporterArgs {
  /** An image whose entrypoint is prometheus-postgres-exporter (it reads DATA_SOURCE_NAME). */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** Secret `postgresql://` URL of the database to observe. */
  readonly databaseUrl: pulumi.Input<string>;
}

/** The PostgreSQL exporter, on the platform network only, for Prometheus to scrape. */
export class PostgresExporter extends pulumi.ComponentResource {
  /** `host:port` on the platform network, a scrape target. */
  readonly address: pulumi.Output<string>;

  constructor(name: string, args: PostgresExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:PostgresExporter", name, {}, opts);
    new docker.Container(
      name,
      {
        image: args.image,
        // The exporter's driver (lib/pq), unlike libpq, defaults to sslmode=require; the database serves plain TCP on
        // the private network.
        envs: [pulumi.secret(pulumi.interpolate`DATA_SOURCE_NAME=${args.databaseUrl}?sslmode=disable`)],
        command: [`--web.listen-address=:${EXPORTER_PORT}`],
        networksAdvanced: [{ name: args.networkName, aliases: [EXPORTER_HOST] }],
        // No health check: the image has no HTTP client, and Prometheus already reports the exporter's `up`.
        restart: "unless-stopped",
      },
      { parent: this },
    );
    // Known at preview time, so replacing the exporter never rewrites prometheus.yml (and so never replaces Prometheus).
    this.address = pulumi.output(`${EXPORTER_HOST}:${EXPORTER_PORT}`);
    this.registerOutputs({ address: this.address });
  }
}
