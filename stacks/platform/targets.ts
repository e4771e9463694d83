import { dockerTargetFacts } from "../../components/docker/addressing";
import type { PlatformConfig } from "../../infra/config/schema";
import { deployDockerPlatform, dockerProviders } from "./dockerPlatform";
import { kubernetesTargetFacts } from "../../components/kubernetes/targetSettings";
import { deployKubernetesPlatform, kubernetesPlacement, kubernetesProviders } from "./kubernetesPlatform";
import type { PlatformTarget } from "./platformTarget";

const TARGETS: Record<PlatformConfig["target"], PlatformTarget> = {
  // The engine's names derive from the stack's alone: nothing in the config moves them.
  docker: {
    facts: dockerTargetFacts,
    placement: () => undefined,
    providers: dockerProviders,
    deploy: deployDockerPlatform,
  },
  kubernetes: {
    facts: (config, stack) => kubernetesTargetFacts(config, stack.project, stack.stack),
    placement: kubernetesPlacement,
    providers: kubernetesProviders,
    deploy: deployKubernetesPlatform,
  },
};

/** The target `migration:target` names. */
export function targetFor(name: PlatformConfig["target"]): PlatformTarget {
  return TARGETS[name];
}
