import { stablePrefix } from "../docker/names";
import type { PlatformConfig } from "../../infra/config/schema";
import type { TargetFacts } from "../../infra/plan/planPlatform";
import { renderGatewayRouting } from "../../infra/render/gateway/httpRoutes";
import {
  kubernetesCrdMetricNames,
  publishedWeightsObjects,
  renderTraefikKubernetesRouting,
  type KubernetesBackendService,
} from "../../infra/render/traefik/kubernetesRouting";
import type { KubernetesObject } from "../../infra/render/kubernetesObject";
import { APP_HEALTH_PATH, type BackendName, type RoutingPlan } from "../../infra/routing/plan";

/**
 * What the platform program and the cutover command must agree on about a stack on Kubernetes: where its objects
 * are, and the Services the routing names. The command's fast rollback writes the routing objects itself.
 */
export type KubernetesSettings = NonNullable<PlatformConfig["kubernetes"]>;

/** The settings of an absent `migration:kubernetes` block: every key has its default. */
const DEFAULT_SETTINGS: KubernetesSettings = {
  databaseStorage: "10Gi",
  monitoringStorage: "10Gi",
  podLogsDirectory: "/var/log/pods",
  ingressService: { type: "LoadBalancer" },
};

export const kubernetesSettings = (config: PlatformConfig): KubernetesSettings => config.kubernetes ?? DEFAULT_SETTINGS;

/** The stack's namespace: the configured one, else `<project>-<stack>`, so that two stacks never share one. */
export function kubernetesNamespace(config: PlatformConfig, project: string, stack: string): string {
  return kubernetesSettings(config).namespace ?? stablePrefix(project, stack);
}

/** The Services in front of each app's pods, by the app's name (validation keeps Flask managed on Kubernetes). */
export function backendServices(config: PlatformConfig): Record<BackendName, KubernetesBackendService> {
  return {
    fastapi: { name: "fastapi", port: config.fastapi.port },
    flask: { name: "flask", port: config.flask.mode === "managed" ? config.flask.port : 80 },
  };
}

/** The headless Service that resolves to every pod of a workload, ready or not: what Prometheus scrapes them by. */
export const podsServiceName = (workload: string) => `${workload}-pods`;

/**
 * Where the ingress finds each app on Kubernetes: its Service, in the stack's namespace (Traefik reads the ready pods'
 * endpoints itself, and a pod that fails its readiness probe leaves them). Prometheus finds every pod by a headless
 * Service per workload (DNS, which needs no access to the cluster's API), reads the routes' figures from Traefik (by
 * its CRD provider's names) or, behind the cluster's own Gateway, from the apps, and scrapes the weights from Traefik.
 */
export function kubernetesTargetFacts(config: PlatformConfig, project: string, stack: string): TargetFacts {
  const services = backendServices(config);
  const endpoints = (backend: BackendName) => ({
    servers: [`${services[backend].name}:${services[backend].port}`],
    healthPath: APP_HEALTH_PATH,
  });
  return {
    servers: { fastapi: endpoints("fastapi"), flask: endpoints("flask") },
    monitoring: {
      discovery: { kind: "everyPod", hostOf: podsServiceName },
      figures: kubernetesSettings(config).gateway
        ? { from: "apps" }
        : {
            from: "ingress",
            traefikNames: kubernetesCrdMetricNames(kubernetesNamespace(config, project, stack), services),
          },
      weights: "ingressEndpoint",
    },
  };
}

/**
 * The routing objects of a stack, for its flavour: Traefik's (kubernetesRouting.ts), or HTTPRoutes to the Gateway of
 * `kubernetes.gateway` (httpRoutes.ts) and the weights, which the stack's Traefik serves to Prometheus in either.
 */
export function kubernetesRoutingObjects(
  config: PlatformConfig,
  plan: RoutingPlan,
  namespace: string,
): KubernetesObject[] {
  const services = backendServices(config);
  const { gateway } = kubernetesSettings(config);
  return gateway
    ? [...renderGatewayRouting(plan, services, namespace, gateway), ...publishedWeightsObjects(plan, namespace)]
    : renderTraefikKubernetesRouting(plan, services, namespace);
}
