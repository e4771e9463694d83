import type { RoutingPlan } from "../../routing/plan";
import type { RenderedIngress } from "../renderedIngress";
import { TRAEFIK_HTTP_PORT, TRAEFIK_METRICS_PORT } from "./ports";
import { renderTraefikRouting } from "./dynamicConfig";
import { renderTraefikStaticConfig } from "./staticConfig";

const STATIC_CONFIG_PATH = "/etc/traefik/traefik.yml";
const ROUTING_DIRECTORY = "/etc/traefik/routing";

export function renderTraefikIngress(plan: RoutingPlan): RenderedIngress {
  return {
    staticFiles: [{ path: STATIC_CONFIG_PATH, content: renderTraefikStaticConfig(ROUTING_DIRECTORY) }],
    command: ["traefik", `--configFile=${STATIC_CONFIG_PATH}`],
    routingDirectory: ROUTING_DIRECTORY,
    routingFileName: "routing.yml",
    routingContent: renderTraefikRouting(plan),
    httpPort: TRAEFIK_HTTP_PORT,
    metricsPort: TRAEFIK_METRICS_PORT,
    metricsPath: "/metrics",
    healthcheck: ["CMD", "traefik", "healthcheck", `--configFile=${STATIC_CONFIG_PATH}`],
  };
}
