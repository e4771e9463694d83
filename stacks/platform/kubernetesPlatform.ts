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
import {
  backendServices,
  kubernetesNamespace,
  kubernetesRoutingObjects,
  kubernetesSettings,
} from "../../components/kubernetes/targetSettings";
import type { PlatformConfig } from "../../infra/config/schema";
import type { PlatformPlan } from "../../infra/plan/platformPlan";
import { routeBackendServices } from "../../infra/render/traefik/kubernetesRouting";
import { BACKENDS } from "../../infra/routing/plan";
import { withRegistry } from "../../infra/config/imageReference";
import type { Placement } from "../../infra/routing/targetGuard";
import { deployKubernetesMonitoring } from "./kubernetesMonitoring";
import type { StackIdentity, TargetDeployment } from "./platformTarget";

/** The plan with the images the cluster pulls: the configured registry in front of those that name none. */
function pulledFromRegistry(plan: PlatformPlan, registry: string | undefined): PlatformPlan {
  const pulled = <T extends { readonly image: string }>(workload: T): T => ({
    ...workload,
    image: withRegistry(workload.image, registry),
  });
  const { monitoring } = plan;
  return {
    ...plan,
    database: pulled(plan.database),
    schemaMigration: pulled(plan.schemaMigration),
    fastapi: pulled(plan.fastapi),
    ingress: pulled(plan.ingress),
    monitoring: monitoring && {
      ...monitoring,
      prometheus: pulled(monitoring.prometheus),
      alertmanager: monitoring.alertmanager && pulled(monitoring.alertmanager),
      postgresExporter: monitoring.postgresExporter && pulled(monitoring.postgresExporter),
      logs: monitoring.logs && {
        ...monitoring.logs,
        collectorImage: withRegistry(monitoring.logs.collectorImage, registry),
        store: monitoring.logs.store && pulled(monitoring.logs.store),
      },
    },
  };
}

/**
 * The log store's claim for `maxDiskUsage` (e.g. "2GiB") of logs, a quarter larger: VictoriaLogs checks its usage now
 * and then, and drops whole days once over, so its disk must hold more than the limit.
 */
function logStoreClaimSize(maxDiskUsage: string): string {
  const [, amount, unit] = /^(\d+)(MiB|GiB|TiB)$/.exec(maxDiskUsage)!;
  const mebibytes = Number(amount) * { MiB: 1, GiB: 1024, TiB: 1024 * 1024 }[unit as "MiB" | "GiB" | "TiB"];
  return `${Math.ceil(mebibytes * 1.25)}Mi`;
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
  const cluster = providers.find((provider): provider is k8s.Provider => provider instanceof k8s.Provider);
  const namespace = stackNamespace(namespaceName, plan.database.retainOnDestroy, {
    provider: cluster,
    dependsOn: clusterPrerequisites(cluster, settings.gateway),
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
  const { gateway } = settings;
  // Flask's too: validation keeps Flask managed on Kubernetes, and the platform owns its Services (see appService).
  // Traefik's routes reach each backend by a Service per route, for its figures; a Gateway's, by the app's own.
  const appServices = [
    ...BACKENDS.map((backend) =>
      appService(services[backend].name, backend, services[backend].port, namespaceName, objectOpts),
    ),
    ...(gateway ? [] : routeBackendServices(plan.routing, services)).map((service) =>
      appService(service.name, service.backend, service.port, namespaceName, objectOpts),
    ),
  ];
  const routing = new RoutingObjects("routing", kubernetesRoutingObjects(config, plan.routing, namespaceName), {
    providers,
    dependsOn: [namespace, ...appServices],
  });
  // Behind a Gateway, Traefik serves the weights to Prometheus alone: inside the cluster only.
  const ingress = new TraefikController(
    plan.ingress.name,
    {
      plan: plan.ingress,
      namespace: namespaceName,
      exposure: gateway ? { type: "ClusterIP" } : settings.ingressService,
      imagePullSecrets,
    },
    { providers, dependsOn: [namespace, fastapi] },
  );
  const clientUrl = gateway ? pulumi.output(gateway.url.replace(/\/$/, "")) : ingress.url;

  const monitoring =
    plan.monitoring &&
    deployKubernetesMonitoring(plan.monitoring, {
      namespace: namespaceName,
      scraped: [
        { workload: plan.ingress.host, port: plan.ingress.metricsPort },
        ...BACKENDS.map((backend) => ({ workload: backend, port: services[backend].port })),
      ],
      storage: { storage: settings.monitoringStorage, storageClass: settings.storageClass },
      logStorage: config.monitoring.logs && {
        storage: logStoreClaimSize(config.monitoring.logs.maxDiskUsage),
        storageClass: settings.storageClass,
      },
      podLogsDirectory: settings.podLogsDirectory,
      databaseUrls: { sync: database.syncUrl },
      imagePullSecrets,
      providers,
      cluster,
      // Beside the apps, not after them: a workload not up yet is simply not found (no failed scrape).
      dependsOn: [namespace],
    });

  return {
    ...monitoring,
    // The URL is known once the routing is applied (and Traefik serves): a client may use it at once.
    ingressUrl: pulumi.all([clientUrl, routing.applied, ingress.url]).apply(([url]) => url),
    databaseUrl: database.syncUrl,
    targetOutputs: {
      namespace: namespace.metadata.name,
      databaseClaim: database.claimName,
      ...(plan.monitoring
        ? {
            [KUBERNETES_PLATFORM_OUTPUTS.prometheusService]: pulumi.output(
              `${plan.monitoring.prometheus.host}:${plan.monitoring.prometheus.port}`,
            ),
          }
        : {}),
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
