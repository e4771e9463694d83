import type { PlatformConfig } from "../../infra/config/schema";
import type { RouteFigures } from "../../infra/monitoring/routeBackendSources";
import { FILE_PROVIDER_METRIC_NAMES } from "../../infra/render/traefik/dynamicConfig";

/** Where the Docker target's route figures come from with each ingress flavour: the ingress's own series. */
export function dockerRouteFigures(ingress: PlatformConfig["ingress"]): RouteFigures {
  return ingress === "traefik" ? { kind: "traefik", names: FILE_PROVIDER_METRIC_NAMES } : { kind: "nginx" };
}
