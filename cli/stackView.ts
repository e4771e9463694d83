import { namespaceValues } from "../infra/config/namespaceConfig";
import { formatIssues } from "../infra/config/issues";
import type { PlatformConfig } from "../infra/config/schema";
import { validatePlatformConfig } from "../infra/config/validate";
import { PLATFORM_OUTPUTS } from "../infra/contract/platformOutputs";
import type { MetricsReading } from "../infra/cutover/routeFigures";
import type { MigrationMap } from "../infra/routing/route";
import { parseSnapshot, snapshotOf } from "../infra/routing/snapshot";
import { CliError } from "./cliError";
import type { CutoverDeps, MigrationStack, PrometheusLocation } from "./ports";
import { clusterPlacementSchema, KUBERNETES_PLATFORM_OUTPUTS } from "../components/kubernetes/clusterPlacement";

/** A stack as the commands see it: its validated config, and what its last update deployed. */
export interface StackView {
  readonly stack: MigrationStack;
  readonly config: PlatformConfig;
  readonly configured: MigrationMap;
  /** The `migrationMap` output: the weights live now; absent before the first deploy. */
  readonly deployed?: MigrationMap;
  readonly ingressUrl?: string;
  /** Where the commands ask Prometheus; absent while monitoring is disabled or before the first deploy. */
  readonly prometheus?: PrometheusLocation;
}

const stringOutput = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The stack's validated config: the same validation as the program's, so a config `pulumi up` would refuse is reported
 * the same way, before any step.
 */
export async function loadStackConfig(stack: MigrationStack): Promise<PlatformConfig> {
  const validated = validatePlatformConfig(
    namespaceValues(await stack.configValues(), stack.namespace),
    stack.namespace,
  );
  if (!validated.ok) throw new CliError(`stack ${stack.name}: ${formatIssues(validated.issues)}`);
  return validated.value;
}

/** The view of a stack, its config read alongside its outputs unless the caller has read it already. */
export async function loadStackView(stack: MigrationStack, knownConfig?: PlatformConfig): Promise<StackView> {
  const [config, outputs] = await Promise.all([knownConfig ?? loadStackConfig(stack), stack.outputs()]);
  return {
    stack,
    config,
    configured: snapshotOf(config),
    deployed: parseSnapshot(outputs[PLATFORM_OUTPUTS.migrationMap]),
    ingressUrl: stringOutput(outputs[PLATFORM_OUTPUTS.ingressUrl]),
    prometheus: prometheusLocation(outputs),
  };
}

/**
 * On Kubernetes, Prometheus's Service through the API server (its URL, a cluster address, is reachable only where the
 * cluster's service range is routed); elsewhere its URL.
 */
function prometheusLocation(outputs: Record<string, unknown>): PrometheusLocation | undefined {
  const url = stringOutput(outputs[PLATFORM_OUTPUTS.prometheusUrl]);
  const service = stringOutput(outputs[KUBERNETES_PLATFORM_OUTPUTS.prometheusService]);
  const cluster = clusterPlacementSchema.safeParse(outputs[KUBERNETES_PLATFORM_OUTPUTS.cluster]);
  if (service && cluster.success) return { cluster: cluster.data, service };
  return url ? { url } : undefined;
}

export async function readStackMetrics(deps: CutoverDeps, view: StackView): Promise<MetricsReading> {
  if (!view.prometheus) {
    return {
      available: false,
      reason: `stack ${view.stack.name} exports no ${PLATFORM_OUTPUTS.prometheusUrl}: migration:monitoring is disabled, or the stack has not been deployed`,
    };
  }
  return deps.readMetrics(view.prometheus);
}
