import type { MigrationMap } from "../routing/route";
import { describeTarget, routeTargets } from "./routeTargets";

/**
 * Where the stack's config differs from what its last update deployed (the `migrationMap` output), one line each.
 * A step is computed from the config, so it is only meaningful when the two agree: otherwise `advance` would judge
 * figures of one split and deploy a step from another.
 */
export function undeployedWeights(configured: MigrationMap, deployed: MigrationMap): string[] {
  const live = new Map(routeTargets(deployed).map((target) => [target.id, target]));
  const planned = routeTargets(configured);
  const differences = planned.flatMap((target) => {
    const deployedTarget = live.get(target.id);
    if (!deployedTarget)
      return [`${target.id} (${describeTarget(target)}) is configured at ${target.weight}% but not deployed`];
    return deployedTarget.weight === target.weight
      ? []
      : [
          `${target.id} (${describeTarget(target)}) is configured at ${target.weight}% but ${deployedTarget.weight}% is deployed`,
        ];
  });
  const removed = [...live.values()]
    .filter((target) => !planned.some((plannedTarget) => plannedTarget.id === target.id))
    .map(
      (target) => `${target.id} (${describeTarget(target)}) is deployed at ${target.weight}% but no longer configured`,
    );
  return [...differences, ...removed];
}
