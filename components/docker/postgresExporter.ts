import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { PostgresExporterPlan } from "../../infra/plan/platformPlan";
import { containerEnvs } from "./containerEnv";

export interface PostgresExporterArgs {
  /** The exporter as planned; its image's entrypoint is prometheus-postgres-exporter. */
  readonly plan: PostgresExporterPlan;
  readonly networkName: pulumi.Input<string>;
  /** Secret `postgresql://` URL of the database to observe. */
  readonly databaseUrl: pulumi.Input<string>;
}

/** The PostgreSQL exporter, on the platform network only, for Prometheus to scrape. */
export class PostgresExporter extends pulumi.ComponentResource {
  constructor(name: string, args: PostgresExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:PostgresExporter", name, {}, opts);
    const { plan } = args;
    new docker.Container(
      name,
      {
        image: plan.image,
        envs: containerEnvs(plan.env, { sync: args.databaseUrl }),
        command: [...plan.args],
        networksAdvanced: [{ name: args.networkName, aliases: [plan.host] }],
        restart: "unless-stopped",
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
