import * as pulumi from "@pulumi/pulumi";
import type { Env } from "../../infra/plan/platformPlan";
import type { DatabaseUrls } from "../databaseUrls";

/** A plan's environment as the Docker engine takes it, `NAME=value` in order; secret values stay secret. */
export function containerEnvs(env: Env, databaseUrls: DatabaseUrls): pulumi.Output<string>[] {
  return env.map(([name, value]) => {
    if ("value" in value) return pulumi.interpolate`${name}=${value.secret ? pulumi.secret(value.value) : value.value}`;
    const url = databaseUrls[value.databaseUrl];
    if (url === undefined) throw new Error(`${name} needs the ${value.databaseUrl} database URL, which was not given`);
    return pulumi.interpolate`${name}=${url}${value.suffix ?? ""}`;
  });
}
