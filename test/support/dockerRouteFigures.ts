import { dockerTargetFacts } from "../../components/docker/addressing";
import type { PlatformConfig } from "../../infra/config/schema";
import { routeFiguresOf, type RouteFigures } from "../../infra/monitoring/routeBackendSources";
import { devPlatformConfig } from "./configs";

/**
 * Where the Docker target's route figures come from with each ingress flavour, as the platform plans them: the
 * ingress's own series (which need no list of routes; only the apps' do).
 */
export function dockerRouteFigures(ingress: PlatformConfig["ingress"]): RouteFigures {
  return routeFiguresOf(ingress, dockerTargetFacts(devPlatformConfig()).monitoring.figures, []);
}
