import type { PlatformConfig } from "../../infra/config/schema";
import type { TargetFacts } from "../../infra/plan/planPlatform";
import { FILE_PROVIDER_METRIC_NAMES } from "../../infra/render/traefik/dynamicConfig";
import { APP_HEALTH_PATH, type BackendEndpoints, type BackendServers } from "../../infra/routing/plan";

/** Network alias of replica `index` of a service; the platform and the legacy stack must agree on it. */
export function replicaHostname(service: string, index: number): string {
  return `${service}-${index}`;
}

export function replicaAddresses(service: string, replicas: number, port: number): string[] {
  return Array.from({ length: replicas }, (_, index) => `${replicaHostname(service, index)}:${port}`);
}

/**
 * Where the ingress finds each backend on Docker: each replica by its alias on the platform network (the ingress
 * health-checks and balances them itself), or the external Flask by its URL.
 */
export function backendServers(config: PlatformConfig): BackendServers {
  const flask: BackendEndpoints =
    config.flask.mode === "managed"
      ? { servers: replicaAddresses("flask", config.flask.replicas, config.flask.port), healthPath: APP_HEALTH_PATH }
      : { servers: [externalAddress(config.flask.url)] };
  return {
    fastapi: {
      servers: replicaAddresses("fastapi", config.fastapi.replicas, config.fastapi.port),
      healthPath: APP_HEALTH_PATH,
    },
    flask,
  };
}

function externalAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "80"}`;
}

/** Docker's embedded DNS, which resolves the platform network's aliases inside every container on it. */
const DOCKER_EMBEDDED_DNS = "127.0.0.11";

/** What the plan needs to know about the Docker target. */
export function dockerTargetFacts(config: PlatformConfig): TargetFacts {
  return {
    servers: backendServers(config),
    dnsResolver: DOCKER_EMBEDDED_DNS,
    // Each replica has an alias of its own, Traefik reads its routing from files, and Prometheus's weights are a file.
    monitoring: {
      discovery: { kind: "listed" },
      figures: { from: "ingress", traefikNames: FILE_PROVIDER_METRIC_NAMES },
      weights: "ruleFile",
    },
  };
}
