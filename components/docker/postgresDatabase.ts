import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DatabasePlan } from "../../infra/plan/platformPlan";
import { databaseUrls } from "../databaseUrls";
import { dockerHealthcheck } from "./dockerHealthcheck";

export interface PostgresDatabaseArgs {
  /** The database as planned; its image initialises itself from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB. */
  readonly plan: DatabasePlan;
  /** Network the database joins, under the plan's host name. */
  readonly networkName: pulumi.Input<string>;
  /** Fixed Docker volume name, so that a volume kept by an earlier destroy is found and reused by the next deploy. */
  readonly volumeName: string;
}

/** The one PostgreSQL database both apps share, its data on a named volume and its password generated and secret. */
export class PostgresDatabase extends pulumi.ComponentResource {
  /** Secret, as are the URLs (see databaseUrls). */
  readonly password: pulumi.Output<string>;
  readonly syncUrl: pulumi.Output<string>;
  readonly asyncUrl: pulumi.Output<string>;
  readonly volumeName: pulumi.Output<string>;

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:PostgresDatabase", name, {}, opts);
    const { plan } = args;

    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    const volume = new docker.Volume(
      `${name}-data`,
      { name: args.volumeName },
      { parent: this, retainOnDelete: plan.retainOnDestroy },
    );
    const container = new docker.Container(
      name,
      {
        image: plan.image,
        envs: [
          `POSTGRES_USER=${plan.user}`,
          `POSTGRES_DB=${plan.databaseName}`,
          pulumi.secret(pulumi.interpolate`POSTGRES_PASSWORD=${password.result}`),
        ],
        volumes: [{ volumeName: volume.name, containerPath: plan.dataPath }],
        networksAdvanced: [{ name: args.networkName, aliases: [plan.host] }],
        healthcheck: plan.health && dockerHealthcheck(plan.health),
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      { parent: this, dependsOn: [volume] },
    );

    // Derived from the container, which the provider waits on until it is healthy.
    const urls = databaseUrls(
      plan,
      password.result,
      container.name.apply(() => plan.host),
    );
    this.password = pulumi.secret(password.result);
    this.syncUrl = urls.sync;
    this.asyncUrl = urls.async;
    this.volumeName = volume.name;
    this.registerOutputs({
      password: this.password,
      syncUrl: this.syncUrl,
      asyncUrl: this.asyncUrl,
      volumeName: this.volumeName,
    });
  }
}
