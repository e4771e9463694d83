import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

const DATABASE_HOST = "postgres";
const DATABASE_PORT = 5432;

export interface PostgresDatabaseArgs {
  /** A PostgreSQL image that initialises itself from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB. */
  readonly image: pulumi.Input<string>;
  /** Network the database joins under the alias `postgres`. */
  readonly networkName: pulumi.Input<string>;
  /** Database created on first start. */
  readonly databaseName: string;
  /** Owner role created on first start. */
  readonly user: string;
  /** Fixed Docker volume name, so that a volume kept by an earlier destroy is found and reused by the next deploy. */
  readonly volumeName: string;
  /** Keep the data volume when the stack is destroyed. */
  readonly retainOnDestroy: boolean;
}

/** The one PostgreSQL database both apps share, its data on a named volume and its password generated and secret. */
export class PostgresDatabase extends pulumi.ComponentResource {
  /** Secret. */
  readonly password: pulumi.Output<string>;
  /** Secret `postgresql://` URL for synchronous drivers (psycopg2, used by Flask). */
  readonly syncUrl: pulumi.Output<string>;
  /** Secret `postgresql+asyncpg://` URL for SQLAlchemy's asyncio driver (used by FastAPI and Alembic). */
  readonly asyncUrl: pulumi.Output<string>;
  readonly volumeName: pulumi.Output<string>;

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:PostgresDatabase", name, {}, opts);

    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    const volume = new docker.Volume(
      `${name}-data`,
      { name: args.volumeName },
      { parent: this, retainOnDelete: args.retainOnDestroy },
    );
    const container = new docker.Container(
      name,
      {
        image: args.image,
        envs: [
          `POSTGRES_USER=${args.user}`,
          `POSTGRES_DB=${args.databaseName}`,
          pulumi.secret(pulumi.interpolate`POSTGRES_PASSWORD=${password.result}`),
        ],
        volumes: [{ volumeName: volume.name, containerPath: "/var/lib/postgresql/data" }],
        networksAdvanced: [{ name: args.networkName, aliases: [DATABASE_HOST] }],
        healthcheck: {
          tests: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", args.user, "-d", args.databaseName],
          interval: "2s",
          timeout: "2s",
          retries: 30,
          startPeriod: "5s",
        },
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      { parent: this, dependsOn: [volume] },
    );

    // Derived from the container so that whoever uses a URL waits until the database is up and healthy.
    const host = container.name.apply(() => DATABASE_HOST);
    const url = (scheme: string) =>
      pulumi.secret(
        pulumi.interpolate`${scheme}://${args.user}:${password.result}@${host}:${DATABASE_PORT}/${args.databaseName}`,
      );
    this.password = pulumi.secret(password.result);
    this.syncUrl = url("postgresql");
    this.asyncUrl = url("postgresql+asyncpg");
    this.volumeName = volume.name;
    this.registerOutputs({
      password: this.password,
      syncUrl: this.syncUrl,
      asyncUrl: this.asyncUrl,
      volumeName: this.volumeName,
    });
  }
}
