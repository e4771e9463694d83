import { configKey, type ConfigIssue, type ConfigPath } from "../config/issues";
import { TARGETS, type PlatformConfig } from "../config/schema";

/**
 * The target a deployed stack runs on, from its outputs: stacks deployed before the `target` output existed ran on
 * Docker, the only target then.
 */
export function deployedTargetOf(deployed: boolean, exported: unknown): PlatformConfig["target"] | undefined {
  if (TARGETS.includes(exported as PlatformConfig["target"])) return exported as PlatformConfig["target"];
  return deployed ? "docker" : undefined;
}

/**
 * A stack stays on the target it was deployed to: changing `migration:target` would create a second, empty database on
 * the new target and delete the first with its data. Moving is a dump and restore into a new stack (docs/kubernetes.md).
 */
export function checkTargetUnchanged(
  deployed: PlatformConfig["target"] | undefined,
  requested: PlatformConfig["target"],
  namespace: string,
): ConfigIssue[] {
  if (deployed === undefined || deployed === requested) return [];
  return [
    {
      key: configKey(namespace, ["target"]),
      value: requested,
      expected:
        `"${deployed}", the target this stack's resources run on: moving a live database between targets is a data ` +
        "migration, not a config change (see docs/kubernetes.md, Moving a stack between targets)",
    },
  ];
}

/** Where inside its target a stack's resources live, when the config chooses it (a Kubernetes namespace). */
export interface Placement {
  /** The config key that chooses it, e.g. `kubernetes.namespace`. */
  readonly path: ConfigPath;
  readonly value: string;
}

/**
 * A stack stays where it was deployed inside its target too: another namespace would be a second, empty database and
 * the deletion of the first stack's objects, as another target would.
 */
export function checkPlacementUnchanged(
  deployed: string | undefined,
  requested: Placement | undefined,
  namespace: string,
): ConfigIssue[] {
  if (deployed === undefined || requested === undefined || deployed === requested.value) return [];
  return [
    {
      key: configKey(namespace, requested.path),
      value: requested.value,
      expected:
        `"${deployed}", where this stack's resources run: moving a live database there is a data migration, not a ` +
        "config change (see docs/kubernetes.md, Moving a stack between targets)",
    },
  ];
}
