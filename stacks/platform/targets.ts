import { dockerTargetFacts } from "../../components/docker/addressing";
import type { PlatformConfig } from "../../infra/config/schema";
import { deployDockerPlatform, dockerProviders } from "./dockerPlatform";
import type { PlatformTarget } from "./platformTarget";
import { userError } from "../../components/userError";

const TARGETS: Partial<Record<PlatformConfig["target"], PlatformTarget>> = {
  docker: { facts: dockerTargetFacts, providers: dockerProviders, deploy: deployDockerPlatform },
};

/** The target `migration:target` names. */
export function targetFor(name: PlatformConfig["target"]): PlatformTarget {
  const target = TARGETS[name];
  // Validation refuses a target without an implementation first; this guards a new target named but not added here.
  if (!target) throw userError(`migration:target "${name}" has no implementation in this version`);
  return target;
}
