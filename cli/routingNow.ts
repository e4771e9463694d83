import { dockerTargetFacts } from "../components/docker/addressing";
import { routingVolumeName, stablePrefix } from "../components/docker/names";
import { volumePublisher } from "../components/docker/volumePublisher";
import { applyRoutingObjects } from "../components/kubernetes/routingApplier";
import {
  kubernetesNamespace,
  kubernetesRoutingObjects,
  kubernetesSettings,
  kubernetesTargetFacts,
} from "../components/kubernetes/targetSettings";
import type { PlatformConfig } from "../infra/config/schema";
import { planPlatform } from "../infra/plan/planPlatform";
import { buildRoutingPlan } from "../infra/routing/plan";
import type { MigrationMap } from "../infra/routing/route";
import type { MigrationStack } from "./ports";

/** The stack a routing is published for: the names that stay stable across its deploys derive from these. */
type PublishedStack = Pick<MigrationStack, "name" | "namespace">;

/** How a target puts a routing in front of its running ingress, the way its platform program would. */
type FastRouting = (stack: PublishedStack, config: PlatformConfig, map: MigrationMap) => Promise<void>;

const FAST_ROUTING: Record<PlatformConfig["target"], FastRouting> = {
  // The routing file, written into the volume Traefik or nginx watches.
  docker: async (stack, config, map) => {
    const plan = planPlatform(config, dockerTargetFacts(config), { map });
    const publisher = volumePublisher({
      volumeName: routingVolumeName(stablePrefix(stack.namespace, stack.name)),
      image: config.ingressImage,
    });
    await publisher.publish(plan.ingress.routing);
  },
  // The routing objects of the stack's namespace (Traefik's, or HTTPRoutes to the cluster's Gateway), applied on the
  // cluster; the update that follows deletes any that the new routing no longer names (a split route's TraefikService
  // once the route is at 0%).
  // Only the routing is planned: the rest of the platform plan (its files, the monitoring) is not needed here.
  kubernetes: async (stack, config, map) => {
    const routing = buildRoutingPlan(map, config, kubernetesTargetFacts(config, stack.namespace, stack.name).servers);
    const namespace = kubernetesNamespace(config, stack.namespace, stack.name);
    const objects = kubernetesRoutingObjects(config, routing, namespace);
    await applyRoutingObjects(kubernetesSettings(config), objects);
  },
};

/**
 * Publishes the routing for `map` straight to the running ingress, the way the platform program publishes it, without
 * waiting for `pulumi up`: the ingress applies it within a second. Used by rollback, where the seconds a full update
 * takes (program start, every resource diffed) are seconds of traffic still on a FastAPI that misbehaves; the update
 * that follows records the same routing in the stack.
 */
export function publishRoutingNow(stack: PublishedStack, config: PlatformConfig, map: MigrationMap): Promise<void> {
  return FAST_ROUTING[config.target](stack, config, map);
}
