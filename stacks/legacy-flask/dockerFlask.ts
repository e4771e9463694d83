import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { AppService } from "../../components/docker/appService";
import { DOCKER_PLATFORM_OUTPUTS } from "../../components/docker/names";
import type { AppPlan } from "../../infra/plan/platformPlan";
import type { DeployedFlask } from "./deployedFlask";

/** Flask's replicas as containers on the platform's Docker network, under the names the ingress routes to. */
export function deployFlaskOnDocker(
  plan: AppPlan,
  platform: pulumi.StackReference,
  databaseUrl: pulumi.Output<string>,
): DeployedFlask {
  const provider = new docker.Provider("docker", {});
  const service = new AppService(
    "flask",
    {
      plan,
      networkName: platform.requireOutput(DOCKER_PLATFORM_OUTPUTS.networkName) as pulumi.Output<string>,
      databaseUrls: { sync: databaseUrl },
    },
    { providers: [provider] },
  );
  return { flask: service, outputs: { containers: service.containerNames } };
}
