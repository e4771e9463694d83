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

/** Where inside its target a stack's resources live, when the config chooses it (a Kubernetes namespace). */
export interface Placement {
  /** The config key that chooses it, e.g. `kubernetes.namespace`. */
  readonly path: ConfigPath;
  readonly value: string;
}

/**
 * A deployed stack stays where its resources run: on its target, and inside it where the config chooses (a
 * namespace). Another target or namespace would create a second, empty database there and delete the first stack's
 * objects with its data; moving is a dump and restore into a new stack (docs/kubernetes.md). `where` completes
 * "expected <deployed>, ...", and `moving` names the move in the refusal.
 */
function checkStaysPut(
  deployed: string | undefined,
  requested: Placement | undefined,
  wording: { readonly where: string; readonly moving: string },
  namespace: string,
): ConfigIssue[] {
  if (deployed === undefined || requested === undefined || deployed === requested.value) return [];
  return [
    {
      key: configKey(namespace, requested.path),
      value: requested.value,
      expected:
        `"${deployed}", ${wording.where}: moving a live database ${wording.moving} is a data migration, not a config ` +
        "change (see docs/kubernetes.md, Moving a stack between targets)",
    },
  ];
}

export function checkTargetUnchanged(
  deployed: PlatformConfig["target"] | undefined,
  requested: PlatformConfig["target"],
  namespace: string,
): ConfigIssue[] {
  return checkStaysPut(
    deployed,
    { path: ["target"], value: requested },
    { where: "the target this stack's resources run on", moving: "between targets" },
    namespace,
  );
}

export function checkPlacementUnchanged(
  deployed: string | undefined,
  requested: Placement | undefined,
  namespace: string,
): ConfigIssue[] {
  return checkStaysPut(deployed, requested, { where: "where this stack's resources run", moving: "there" }, namespace);
}
