import type { PlatformConfig } from "../config/schema";
import type { RoutingPlan } from "../routing/plan";
import { renderNginxIngress } from "./nginx/nginxIngress";
import type { RenderedIngress } from "./renderedIngress";
import { renderTraefikIngress } from "./traefik/traefikIngress";

const RENDERERS: Record<PlatformConfig["ingress"], (plan: RoutingPlan) => RenderedIngress> = {
  traefik: renderTraefikIngress,
  nginx: renderNginxIngress,
};

export function renderIngress(kind: PlatformConfig["ingress"], plan: RoutingPlan): RenderedIngress {
  return RENDERERS[kind](plan);
}
