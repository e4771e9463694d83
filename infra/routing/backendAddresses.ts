import type { PlatformConfig } from "../config/schema";
import { APP_HEALTH_PATH, type BackendEndpoints, type BackendServers } from "./plan";

/** Network alias of replica `index` of a service; the platform and the legacy stack must agree on it. */
export function replicaHostname(service: string, index: number): string {
  return `${service}-${index}`;
}

export function replicaAddresses(service: string, replicas: number, port: number): string[] {
  return Array.from({ length: replicas }, (_, index) => `${replicaHostname(service, index)}:${port}`);
}

/** Where the ingress finds each backend: replica aliases on the platform network, or the external Flask's URL. */
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
