import type { PlatformConfig } from "../config/schema";
import type { RoutingPlan } from "../routing/plan";
import { renderNginxIngress } from "./nginx/nginxIngress";
import type { IngressEnvironment, RenderedIngress } from "./renderedIngress";
import { renderTraefikIngress } from "./traefik/traefikIngress";

const RENDERERS: Record<
  PlatformConfig["ingress"],
  (plan: RoutingPlan, environment: IngressEnvironment) => RenderedIngress
> = {
  traefik: renderTraefikIngress,
  nginx: renderNginxIngress,
};

export function renderIngress(
  kind: PlatformConfig["ingress"],
  plan: RoutingPlan,
  environment: IngressEnvironment,
): RenderedIngress {
  return RENDERERS[kind](plan, environment);
}
