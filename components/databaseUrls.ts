import * as pulumi from "@pulumi/pulumi";
import type { DatabasePlan } from "../infra/plan/platformPlan";

/** The database's URLs as a deployment knows them (secret: they hold the generated password). */
export interface DatabaseUrls {
  /** `postgresql://`, for synchronous drivers (psycopg2, used by Flask). */
  readonly sync?: pulumi.Input<string>;
  /** `postgresql+asyncpg://`, for SQLAlchemy's asyncio driver (used by FastAPI and Alembic). */
  readonly async?: pulumi.Input<string>;
}

/**
 * Both URLs of a planned database, secret. `host` is derived from the resource that runs the database, so that whoever
 * uses a URL waits until that resource is up (each target's database waits until it is ready).
 */
export function databaseUrls(
  plan: DatabasePlan,
  password: pulumi.Input<string>,
  host: pulumi.Input<string>,
): { readonly sync: pulumi.Output<string>; readonly async: pulumi.Output<string> } {
  const url = (scheme: string) =>
    pulumi.secret(pulumi.interpolate`${scheme}://${plan.user}:${password}@${host}:${plan.port}/${plan.databaseName}`);
  return { sync: url("postgresql"), async: url("postgresql+asyncpg") };
}
