import type { PlatformConfig } from "../../infra/config/schema";
import type { PlatformTarget } from "./platformTarget";

/**
 * Each target's modules, loaded only when the stack's config names that target: a program run then loads one
 * provider SDK and one set of components, not both (the Kubernetes SDK and its components are a tenth of a second of
 * every Docker program run, and `pulumi up` runs the program twice).
 */
const TARGETS: Record<PlatformConfig["target"], () => Promise<PlatformTarget>> = {
  // The engine's names derive from the stack's alone: nothing in the config moves them.
  docker: async () => {
    const { dockerTargetFacts } = await import("../../components/docker/addressing");
    const { deployDockerPlatform, dockerProviders } = await import("./dockerPlatform");
    return {
      facts: dockerTargetFacts,
      placement: () => undefined,
      providers: dockerProviders,
      deploy: deployDockerPlatform,
    };
  },
  kubernetes: async () => {
    const { kubernetesTargetFacts } = await import("../../components/kubernetes/targetSettings");
    const { deployKubernetesPlatform, kubernetesPlacement, kubernetesProviders } = await import("./kubernetesPlatform");
    return {
      facts: (config, stack) => kubernetesTargetFacts(config, stack.project, stack.stack),
      placement: kubernetesPlacement,
      providers: kubernetesProviders,
      deploy: deployKubernetesPlatform,
    };
  },
};

/** The target `migration:target` names. */
export function targetFor(name: PlatformConfig["target"]): Promise<PlatformTarget> {
  return TARGETS[name]();
}
