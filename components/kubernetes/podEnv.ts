import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Env } from "../../infra/plan/platformPlan";
import type { DatabaseUrls } from "../databaseUrls";

/** A workload's environment for its pods, and the Secret that holds the secret part of it. */
export interface EnvSecret {
  /** In the plan's order: plain values inline, secret ones (and the database URLs) from the Secret. */
  readonly env: pulumi.Output<k8s.types.input.core.v1.EnvVar[]>;
}

/**
 * The plan's environment with every secret value (and the database URLs, which hold the password) in a Secret of the
 * workload's. The Secret is named by Pulumi: a changed value makes a new Secret, so the pods that read it roll onto the
 * new one instead of keeping the old value (an environment variable is read once, at the container's start), and the
 * old Secret goes only after them. A fixed name would have to be deleted first, and take the Deployment with it.
 */
export function envSecret(
  name: string,
  env: Env,
  databaseUrls: DatabaseUrls,
  namespace: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): EnvSecret {
  const secretData: Record<string, pulumi.Output<string>> = {};
  for (const [variable, value] of env) {
    if ("value" in value) {
      if (value.secret) secretData[variable] = pulumi.secret(value.value);
      continue;
    }
    const url = databaseUrls[value.databaseUrl];
    if (url === undefined)
      throw new Error(`${variable} needs the ${value.databaseUrl} database URL, which was not given`);
    secretData[variable] = pulumi.secret(pulumi.interpolate`${url}${value.suffix ?? ""}`);
  }
  const secret = new k8s.core.v1.Secret(name, { metadata: { namespace }, stringData: secretData }, opts);
  return {
    env: secret.metadata.name.apply((secretName) =>
      env.map(([variable, value]): k8s.types.input.core.v1.EnvVar =>
        "value" in value && !value.secret
          ? { name: variable, value: value.value }
          : { name: variable, valueFrom: { secretKeyRef: { name: secretName, key: variable } } },
      ),
    ),
  };
}
