import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { appService } from "../../components/kubernetes/appService";
import { KUBERNETES_PLATFORM_OUTPUTS, type ClusterPlacement } from "../../components/kubernetes/clusterPlacement";
import { clusterProvider } from "../../components/kubernetes/clusterProvider";
import { clusterPrerequisites } from "../../components/kubernetes/clusterPrerequisites";
import { AppDeployment } from "../../components/kubernetes/appDeployment";
import { PostgresDatabase } from "../../components/kubernetes/postgresDatabase";
import { RoutingObjects } from "../../components/kubernetes/routingObjects";
import { SchemaMigrationJob } from "../../components/kubernetes/schemaMigrationJob";
import { stackNamespace } from "../../components/kubernetes/stackNamespace";
import { TraefikController } from "../../components/kubernetes/traefikController";
import { backendServices, kubernetesNamespace, kubernetesSettings } from "../../components/kubernetes/targetSettings";
import type { PlatformConfig } from "../../infra/config/schema";
import type { PlatformPlan } from "../../infra/plan/platformPlan";
import { renderTraefikKubernetesRouting } from "../../infra/render/traefik/kubernetesRouting";
import { withRegistry } from "../../infra/config/imageReference";
import type { Placement } from "../../infra/routing/targetGuard";
import type { StackIdentity, TargetDeployment } from "./platformTarget";

/** The plan with the images the cluster pulls: the configured registry in front of those that name none. */
function pulledFromRegistry(plan: PlatformPlan, registry: string | undefined): PlatformPlan {
  const pulled = <T extends { readonly image: string }>(workload: T): T => ({
    ...workload,
    image: withRegistry(workload.image, registry),
  });
  return {
    ...plan,
    database: pulled(plan.database),
    schemaMigration: pulled(plan.schemaMigration),
    fastapi: pulled(plan.fastapi),
    ingress: pulled(plan.ingress),
  };
}

/** The stack's namespace, which `kubernetes.namespace` may choose. */
export function kubernetesPlacement(config: PlatformConfig, stack: StackIdentity): Placement {
  return { path: ["kubernetes", "namespace"], value: kubernetesNamespace(config, stack.project, stack.stack) };
}

/** The cluster the stack deploys to, and the password generator. */
export function kubernetesProviders(config: PlatformConfig): pulumi.ProviderResource[] {
  return [clusterProvider("kubernetes", kubernetesSettings(config)), new random.Provider("random", {})];
}

/**
 * The platform plan on a Kubernetes cluster, in a namespace of its own: the database as a StatefulSet on a claim, the
 * schema migration as a Job, FastAPI as a Deployment, both apps' Services, and Traefik reading the routing from the
 * namespace's Traefik objects.
 */
export function deployKubernetesPlatform(
  planned: PlatformPlan,
  stack: StackIdentity,
  providers: pulumi.ProviderResource[],
  config: PlatformConfig,
): TargetDeployment {
  const settings = kubernetesSettings(config);
  const plan = pulledFromRegistry(planned, settings.imageRegistry);
  const namespaceName = kubernetesNamespace(config, stack.project, stack.stack);
  const cluster = providers.find((provider) => provider instanceof k8s.Provider);
  const namespace = stackNamespace(namespaceName, plan.database.retainOnDestroy, {
    provider: cluster,
    dependsOn: clusterPrerequisites(cluster),
  });
  // Components take every provider; the objects made here directly, the cluster's.
  const opts = { providers, dependsOn: [namespace] };
  const objectOpts = { provider: cluster, dependsOn: [namespace] };
  const pullSecret = settings.imagePullSecret
    ? new k8s.core.v1.Secret(
        "image-pull-secret",
        {
          // Named by Pulumi, as the apps' env Secrets (see envSecret): new credentials roll the pods onto a new Secret.
          metadata: { namespace: namespaceName },
          type: "kubernetes.io/dockerconfigjson",
          stringData: { ".dockerconfigjson": pulumi.secret(settings.imagePullSecret) },
        },
        objectOpts,
      )
    : undefined;
  const imagePullSecrets = pullSecret ? [{ name: pullSecret.metadata.name }] : undefined;

  const database = new PostgresDatabase(
    plan.database.name,
    {
      plan: plan.database,
      namespace: namespaceName,
      storageClass: settings.storageClass,
      storage: settings.databaseStorage,
      imagePullSecrets,
    },
    opts,
  );
  const job = new SchemaMigrationJob(
    plan.schemaMigration.name,
    {
      plan: plan.schemaMigration,
      namespace: namespaceName,
      databaseUrls: { async: database.asyncUrl },
      imagePullSecrets,
    },
    opts,
  );
  const fastapi = new AppDeployment(
    plan.fastapi.name,
    {
      plan: plan.fastapi,
      namespace: namespaceName,
      databaseUrls: { async: database.asyncUrl },
      startAfter: job.succeeded,
      imagePullSecrets,
    },
    opts,
  );
  const services = backendServices(config);
  // Flask's too: validation keeps Flask managed on Kubernetes, and the platform owns its Service (see appService).
  const appServices = Object.values(services).map((service) =>
    appService(service.name, service.port, namespaceName, objectOpts),
  );
  const routing = new RoutingObjects("routing", renderTraefikKubernetesRouting(plan.routing, services, namespaceName), {
    providers,
    dependsOn: [namespace, ...appServices],
  });
  const ingress = new TraefikController(
    plan.ingress.name,
    {
      plan: plan.ingress,
      namespace: namespaceName,
      exposure: settings.ingressService,
      imagePullSecrets,
    },
    { providers, dependsOn: [namespace, fastapi] },
  );

  return {
    // The URL is known once Traefik serves and the routing is applied: a client may use it at once.
    ingressUrl: pulumi.all([ingress.url, routing.applied]).apply(([url]) => url),
    databaseUrl: database.syncUrl,
    targetOutputs: {
      namespace: namespace.metadata.name,
      databaseClaim: database.claimName,
      [KUBERNETES_PLATFORM_OUTPUTS.cluster]: pulumi.output({
        namespace: namespaceName,
        kubeconfig: settings.kubeconfig,
        context: settings.context,
        imageRegistry: settings.imageRegistry,
        imagePullSecret: pullSecret?.metadata.name,
      }) as pulumi.Output<ClusterPlacement>,
    },
  };
}
