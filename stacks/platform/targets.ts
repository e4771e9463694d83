import { dockerTargetFacts } from "../../components/docker/addressing";
import type { PlatformConfig } from "../../infra/config/schema";
import { deployDockerPlatform, dockerProviders } from "./dockerPlatform";
import { kubernetesTargetFacts } from "../../components/kubernetes/targetSettings";
import { deployKubernetesPlatform, kubernetesProviders } from "./kubernetesPlatform";
import type { PlatformTarget } from "./platformTarget";

const TARGETS: Record<PlatformConfig["target"], PlatformTarget> = {
  docker: { facts: dockerTargetFacts, providers: dockerProviders, deploy: deployDockerPlatform },
  kubernetes: { facts: kubernetesTargetFacts, providers: kubernetesProviders, deploy: deployKubernetesPlatform },
};

/** The target `migration:target` names. */
export function targetFor(name: PlatformConfig["target"]): PlatformTarget {
  return TARGETS[name];
}
