import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../infra/config/schema";
import type { PlatformPlan } from "../../infra/plan/platformPlan";
import type { TargetFacts } from "../../infra/plan/planPlatform";
import type { Placement } from "../../infra/routing/targetGuard";

/** Where users reach the monitoring, each present only when that part is deployed. */
export interface MonitoringUrls {
  readonly prometheusUrl?: pulumi.Output<string>;
  readonly migrationPageUrl?: pulumi.Output<string>;
  readonly grafanaUrl?: pulumi.Output<string>;
  /** Secret. */
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  readonly logsUrl?: pulumi.Output<string>;
}

/** What every target reports once it has deployed the plan: the stack outputs of the platform's contract, and its own. */
export interface TargetDeployment extends MonitoringUrls {
  readonly ingressUrl: pulumi.Output<string>;
  /** Secret `postgresql://` URL, for the legacy stack's Flask. */
  readonly databaseUrl: pulumi.Output<string>;
  /** Outputs only this target has. */
  readonly targetOutputs: Record<string, pulumi.Output<unknown>>;
}

/** Which stack is deployed: names that must stay stable across deploys derive from it. */
export interface StackIdentity {
  readonly project: string;
  readonly stack: string;
}

/**
 * A place the platform runs: the facts its plan needs, the providers it deploys through, and how it deploys. The config
 * is passed for the target's own settings (e.g. `migration:kubernetes`); what to run comes from the plan alone.
 */
export interface PlatformTarget {
  facts(config: PlatformConfig, stack: StackIdentity): TargetFacts;
  /** Where inside the target the stack's resources go, where the config chooses it; undefined where it does not. */
  placement(config: PlatformConfig, stack: StackIdentity): Placement | undefined;
  /** Registered before the plan is built, so that the engine starts their plugins meanwhile (see platformProgram). */
  providers(config: PlatformConfig): pulumi.ProviderResource[];
  deploy(
    plan: PlatformPlan,
    stack: StackIdentity,
    providers: pulumi.ProviderResource[],
    config: PlatformConfig,
  ): TargetDeployment;
}
