import type * as pulumi from "@pulumi/pulumi";
import { AppDeployment } from "../../components/kubernetes/appDeployment";
import { clusterPlacementSchema, KUBERNETES_PLATFORM_OUTPUTS } from "../../components/kubernetes/clusterPlacement";
import { clusterProvider } from "../../components/kubernetes/clusterProvider";
import { userError } from "../../components/userError";
import { withRegistry } from "../../infra/config/imageReference";
import type { AppPlan } from "../../infra/plan/platformPlan";
import type { DeployedFlask } from "./deployedFlask";

/**
 * Flask as a Deployment in the platform's namespace, on the platform's cluster: the platform owns Flask's Service (the
 * ingress routes to it whether or not this stack exists), and this stack only the pods behind it.
 */
export async function deployFlaskOnKubernetes(
  plan: AppPlan,
  platform: pulumi.StackReference,
  platformStack: string,
  databaseUrl: pulumi.Output<string>,
): Promise<DeployedFlask> {
  const exported = await platform.getOutputDetails(KUBERNETES_PLATFORM_OUTPUTS.cluster);
  const placement = clusterPlacementSchema.safeParse(exported.value);
  if (!placement.success)
    throw userError(
      `platform stack ${platformStack} runs on Kubernetes but exports no usable "${KUBERNETES_PLATFORM_OUTPUTS.cluster}" output; run \`pulumi up\` on the platform first`,
    );
  const { namespace, imageRegistry, imagePullSecret } = placement.data;
  const provider = clusterProvider("kubernetes", placement.data);
  const flask = new AppDeployment(
    "flask",
    {
      plan: { ...plan, image: withRegistry(plan.image, imageRegistry) },
      namespace,
      databaseUrls: { sync: databaseUrl },
      imagePullSecrets: imagePullSecret ? [{ name: imagePullSecret }] : undefined,
    },
    { providers: [provider] },
  );
  return { flask, outputs: { namespace: flask.deploymentName.apply(() => namespace) } };
}
