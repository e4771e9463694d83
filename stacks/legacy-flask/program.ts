import * as pulumi from "@pulumi/pulumi";
import {
  errorTrackingSchema,
  flaskDeploymentSchema,
  PLATFORM_OUTPUTS,
  type ErrorTracking,
} from "../../infra/contract/platformOutputs";
import { planApp } from "../../infra/plan/planPlatform";
import { deployedTargetOf } from "../../infra/routing/targetGuard";
import { DecommissionGuard } from "./decommissionGuard";
import { deployFlaskOnDocker } from "./dockerFlask";
import { deployFlaskOnKubernetes } from "./kubernetesFlask";
import { userError } from "../../components/userError";

/** Where the platform's apps report their errors (its secret `errorTracking` output); none while it exports none. */
async function platformErrorTracking(
  platform: pulumi.StackReference,
  platformStack: string,
): Promise<ErrorTracking | undefined> {
  const exported = await platform.getOutputDetails(PLATFORM_OUTPUTS.errorTracking);
  const value = exported.secretValue ?? exported.value;
  if (value === undefined) return undefined;
  const parsed = errorTrackingSchema.safeParse(value);
  // The value itself is never shown: it holds the DSN's key.
  if (!parsed.success)
    throw userError(
      `platform stack ${platformStack} exports an unreadable "${PLATFORM_OUTPUTS.errorTracking}" output; expected { sentryDsn, environment }`,
    );
  return parsed.data;
}

/**
 * The legacy Flask service as a stack of its own, so that `pulumi destroy` here decommissions Flask and nothing else.
 * Everything about Flask (image, port, replicas, error tracking) is platform config, read through a StackReference: one
 * config model.
 */
export async function legacyFlaskProgram(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config();
  const platformStack = config.require("platformStack");
  const forceDecommission = config.getBoolean("forceDecommission") ?? false;

  const platform = new pulumi.StackReference("platform", { name: platformStack });
  const exported = await platform.getOutputDetails(PLATFORM_OUTPUTS.flask);
  const parsed = flaskDeploymentSchema.safeParse(exported.value);
  if (!parsed.success) {
    throw userError(
      `legacy-flask:platformStack: platform stack ${platformStack} has no usable "flask" output; deploy the platform first ` +
        "(`pulumi up` in the project root) and check the name, e.g. organization/migration/dev",
    );
  }
  const flask = parsed.data;
  if (flask.mode === "external") {
    throw userError(
      `platform stack ${platformStack} routes to an external Flask at ${flask.url}; this stack manages only a Flask it runs ` +
        "itself (migration:flask.mode managed), so there is nothing here to deploy",
    );
  }

  const errorTracking = await platformErrorTracking(platform, platformStack);

  const target = deployedTargetOf(true, (await platform.getOutputDetails(PLATFORM_OUTPUTS.target)).value);
  const plan = planApp("flask", { ...flask, databaseUrl: "sync", errorTracking });
  // Secret already in the platform's state; wrapped again so it stays secret whatever the reference reports.
  const databaseUrl = pulumi.secret(platform.requireOutput(PLATFORM_OUTPUTS.databaseUrl) as pulumi.Output<string>);
  const deployed =
    target === "kubernetes"
      ? await deployFlaskOnKubernetes(plan, platform, platformStack, databaseUrl)
      : deployFlaskOnDocker(plan, platform, databaseUrl);
  new DecommissionGuard("decommission-guard", { platformStack, forceDecommission }, { dependsOn: [deployed.flask] });

  return { ...deployed.outputs, image: flask.image, replicas: flask.replicas };
}
