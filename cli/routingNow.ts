import { dockerTargetFacts } from "../components/docker/addressing";
import { routingVolumeName, stablePrefix } from "../components/docker/names";
import { volumePublisher } from "../components/docker/volumePublisher";
import type { PlatformConfig } from "../infra/config/schema";
import type { TargetFacts } from "../infra/plan/planPlatform";
import { planPlatform } from "../infra/plan/planPlatform";
import type { RoutingPublisher } from "../infra/plan/routingPublisher";
import type { MigrationMap } from "../infra/routing/route";
import type { MigrationStack } from "./ports";

/** The stack a routing is published for: the names that stay stable across its deploys derive from these. */
type PublishedStack = Pick<MigrationStack, "name" | "namespace">;

/** What the fast path needs of a target: the facts its plan takes, and the publisher of the stack's ingress routing. */
interface FastRoutingTarget {
  facts(config: PlatformConfig): TargetFacts;
  publisher(stack: PublishedStack, config: PlatformConfig): RoutingPublisher;
}

const FAST_ROUTING: Partial<Record<PlatformConfig["target"], FastRoutingTarget>> = {
  docker: {
    facts: dockerTargetFacts,
    publisher: (stack, config) =>
      volumePublisher({
        volumeName: routingVolumeName(stablePrefix(stack.namespace, stack.name)),
        image: config.ingressImage,
      }),
  },
};

/**
 * Publishes the routing for `map` straight to the running ingress, the way the platform program publishes it, without
 * waiting for `pulumi up`: the ingress applies it within a second. Used by rollback, where the seconds a full update
 * takes (program start, every resource diffed) are seconds of traffic still on a FastAPI that misbehaves; the update
 * that follows records the same routing in the stack. Resolves false for a target with no such fast path.
 */
export async function publishRoutingNow(
  stack: PublishedStack,
  config: PlatformConfig,
  map: MigrationMap,
): Promise<boolean> {
  const target = FAST_ROUTING[config.target];
  if (!target) return false;
  const plan = planPlatform(config, target.facts(config), { map });
  await target.publisher(stack, config).publish(plan.ingress.routing);
  return true;
}
