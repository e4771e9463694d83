import type { StaticFile } from "../../plan/platformPlan";
import type { RoutingPlan } from "../../routing/plan";
import type { IngressEnvironment, RenderedIngress } from "../renderedIngress";
import { TRAEFIK_HTTP_PORT, TRAEFIK_METRICS_PORT } from "./ports";
import { renderTraefikRouting } from "./dynamicConfig";
import { localPluginFiles } from "./localPlugins";
import { renderTraefikStaticConfig } from "./staticConfig";

const STATIC_CONFIG_PATH = "/etc/traefik/traefik.yml";
const ROUTING_DIRECTORY = "/etc/traefik/routing";

/** Traefik resolves the backends' names itself, so the environment adds nothing. */
export function renderTraefikIngress(plan: RoutingPlan, _environment: IngressEnvironment): RenderedIngress {
  return {
    staticFiles: [
      { path: STATIC_CONFIG_PATH, content: renderTraefikStaticConfig({ directory: ROUTING_DIRECTORY }) },
      ...localPluginFiles("/"),
    ],
    command: ["traefik", `--configFile=${STATIC_CONFIG_PATH}`],
    routing: { directory: ROUTING_DIRECTORY, fileName: "routing.yml", content: renderTraefikRouting(plan) },
    httpPort: TRAEFIK_HTTP_PORT,
    metricsPort: TRAEFIK_METRICS_PORT,
    metricsPath: "/metrics",
    // The image has no HTTP client: Traefik checks its own ping endpoint.
    health: {
      command: ["traefik", "healthcheck", `--configFile=${STATIC_CONFIG_PATH}`],
      http: { port: TRAEFIK_METRICS_PORT, path: "/ping" },
    },
  };
}

/**
 * Traefik on Kubernetes: the same static configuration, except that the routing comes from the CRD objects of the
 * stack's namespace (see kubernetesRouting.ts), which the controller watches, instead of a file.
 */
export function renderTraefikKubernetesFiles(namespace: string): StaticFile[] {
  return [
    { path: STATIC_CONFIG_PATH, content: renderTraefikStaticConfig({ kubernetesNamespace: namespace }) },
    ...localPluginFiles("/"),
  ];
}
