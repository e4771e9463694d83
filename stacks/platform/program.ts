import { setImmediate } from "node:timers/promises";
import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_OUTPUTS, type ErrorTracking, type FlaskDeployment } from "../../infra/contract/platformOutputs";
import { formatIssues, type ConfigIssue } from "../../infra/config/issues";
import type { PlatformConfig } from "../../infra/config/schema";
import { validatePlatformConfig } from "../../infra/config/validate";
import { planPlatform } from "../../infra/plan/planPlatform";
import { flaskTrafficOf, snapshotOf } from "../../infra/routing/snapshot";
import { checkStepSize } from "../../infra/routing/stepGuard";
import { checkPlacementUnchanged, checkTargetUnchanged } from "../../infra/routing/targetGuard";
import { readDeployedState } from "./deployedState";
import { readNamespaceConfig } from "./stackConfig";
import { targetFor } from "./targets";
import { userError } from "../../components/userError";

function refuse(issues: readonly ConfigIssue[]): never {
  // Only the message is printed: the user needs the list of problems, not a stack trace.
  throw userError(formatIssues(issues));
}

function flaskDeployment(config: PlatformConfig): FlaskDeployment {
  const { flask } = config;
  return flask.mode === "managed"
    ? { mode: "managed", image: flask.image, port: flask.port, replicas: flask.replicas }
    : { mode: "external", url: flask.url };
}

/** Both apps report to the configured Sentry DSN, under the configured environment or else the stack's name. */
function errorTrackingOf(config: PlatformConfig, stack: string): ErrorTracking | undefined {
  const { errorTracking } = config;
  return errorTracking && { sentryDsn: errorTracking.sentryDsn, environment: errorTracking.environment ?? stack };
}

/**
 * The platform program: validate everything, compare the requested target and weights with the deployed ones, and only
 * then register resources. A bad value, another target or too large a step therefore stops the update before anything
 * changes.
 */
export async function platformProgram(): Promise<Record<string, unknown>> {
  const namespace = pulumi.getProject();
  const validated = validatePlatformConfig(readNamespaceConfig(namespace), namespace);
  if (!validated.ok) refuse(validated.issues);
  const config = validated.value;

  const requestedMap = snapshotOf(config);
  const target = await targetFor(config.target);
  const stack = { project: namespace, stack: pulumi.getStack() };
  const placement = target.placement(config, stack);
  const deployed = await readDeployedState();
  const stepIssues = [
    ...checkTargetUnchanged(deployed.target, config.target, namespace),
    ...(deployed.target === config.target ? checkPlacementUnchanged(deployed.placement, placement, namespace) : []),
    ...checkStepSize(deployed.map, requestedMap, config.maxStep, namespace),
  ];
  if (stepIssues.length > 0) refuse(stepIssues);

  // The providers go to the engine first, and the event loop turns once so that their registrations leave before the
  // plan is built: the engine then starts their plugins (one at a time; the dynamic provider's alone takes most of a
  // second) while this process plans and declares the rest, instead of afterwards, in the preview and in the update.
  const providers = target.providers(config);
  await setImmediate();
  const errorTracking = errorTrackingOf(config, pulumi.getStack());
  const plan = planPlatform(config, target.facts(config, stack), { errorTracking });
  const platform = target.deploy(plan, stack, providers, config);

  return {
    ingress: config.ingress,
    ingressUrl: platform.ingressUrl,
    // Present only when deployed: an undefined output would only draw a warning on every update.
    ...(platform.prometheusUrl
      ? { prometheusUrl: platform.prometheusUrl, migrationPageUrl: platform.migrationPageUrl }
      : {}),
    ...(platform.grafanaUrl
      ? { grafanaUrl: platform.grafanaUrl, grafanaAdminPassword: platform.grafanaAdminPassword }
      : {}),
    ...(platform.logsUrl ? { logsUrl: platform.logsUrl } : {}),
    ...platform.targetOutputs,
    [PLATFORM_OUTPUTS.target]: config.target,
    ...(placement ? { [PLATFORM_OUTPUTS.placement]: placement.value } : {}),
    [PLATFORM_OUTPUTS.databaseUrl]: platform.databaseUrl,
    [PLATFORM_OUTPUTS.flask]: flaskDeployment(config),
    [PLATFORM_OUTPUTS.flaskTraffic]: flaskTrafficOf(requestedMap),
    [PLATFORM_OUTPUTS.migrationMap]: requestedMap,
    // For the legacy stack's Flask; secret, since the DSN holds the project's key.
    ...(errorTracking ? { [PLATFORM_OUTPUTS.errorTracking]: pulumi.secret(errorTracking) } : {}),
  };
}
