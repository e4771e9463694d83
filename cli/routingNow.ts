import { writeIntoVolume } from "../components/docker/volumeFile";
import { routingVolumeName, stablePrefix } from "../infra/contract/dockerNames";
import { renderIngress } from "../infra/render/ingress";
import { backendServers } from "../infra/routing/backendAddresses";
import type { MigrationMap } from "../infra/routing/matching";
import { buildRoutingPlan } from "../infra/routing/plan";
import type { StackView } from "./stackView";

/**
 * Writes the routing for `map` straight into the ingress's volume, the way the platform program's routing file does,
 * without waiting for `pulumi up`: the ingress applies it within a second. Used by rollback, where the seconds a full
 * update takes (program start, every resource diffed) are seconds of traffic still on a FastAPI that misbehaves; the
 * update that follows records the same routing in the stack. Docker target only.
 */
export function writeRoutingNow(view: StackView, map: MigrationMap): void {
  const routes = map.routes.map((route) => ({
    path: route.path,
    weight: route.weight,
    ...(route.methods ? { methods: [...route.methods] } : {}),
  }));
  const config = { ...view.config, defaultWeight: map.defaultWeight, routes };
  const rendered = renderIngress(config.ingress, buildRoutingPlan(config, backendServers(config)));
  writeIntoVolume({
    volumeName: routingVolumeName(stablePrefix(view.stack.namespace, view.stack.name)),
    directory: rendered.routingDirectory,
    fileName: rendered.routingFileName,
    content: rendered.routingContent,
    image: config.ingressImage,
  });
}
