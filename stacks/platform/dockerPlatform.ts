import type * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as random from "@pulumi/random";
import { AppService } from "../../components/docker/appService";
import { containerEnvs } from "../../components/docker/containerEnv";
import { Ingress } from "../../components/docker/ingress";
import { VolumeFileProvider } from "../../components/docker/volumeFile";
import { MigrationNetwork } from "../../components/docker/migrationNetwork";
import { DOCKER_PLATFORM_OUTPUTS, routingVolumeName, stablePrefix } from "../../components/docker/names";
import { OneShotContainer } from "../../components/docker/oneShotContainer";
import { PostgresDatabase } from "../../components/docker/postgresDatabase";
import type { PlatformPlan } from "../../infra/plan/platformPlan";
import { DeployedWorkloads } from "./deployedWorkloads";
import { deployDockerMonitoring } from "./dockerMonitoring";
import type { StackIdentity, TargetDeployment } from "./platformTarget";

/** The providers of the Docker target, the VolumeFiles' plugin first: the engine starts them one at a time. */
export function dockerProviders(): pulumi.ProviderResource[] {
  return [new VolumeFileProvider("volume-files"), new docker.Provider("docker", {}), new random.Provider("random", {})];
}

/**
 * The platform plan on one Docker engine: a private network that every workload joins under its host name, the
 * database on a named volume, the schema migration as a container run to completion, FastAPI's replicas, the ingress
 * with its routing on a volume, and the monitoring.
 */
export function deployDockerPlatform(
  plan: PlatformPlan,
  stack: StackIdentity,
  providers: pulumi.ProviderResource[],
): TargetDeployment {
  // Names that must be stable across deploys (the database volume, the routing volume), e.g. `migration-dev`.
  const prefix = stablePrefix(stack.project, stack.stack);

  const deployed = new DeployedWorkloads();
  const network = new MigrationNetwork("network", { providers });
  const database = new PostgresDatabase(
    plan.database.name,
    { plan: plan.database, networkName: network.name, volumeName: `${prefix}-pgdata` },
    { providers },
  );
  const job = plan.schemaMigration;
  const schemaMigration = new OneShotContainer(
    job.name,
    {
      image: job.image,
      command: [...job.command],
      networkName: network.name,
      envs: containerEnvs(job.env, { async: database.asyncUrl }),
    },
    { providers },
  );
  // FastAPI starts after the job has succeeded, not merely run: its output fails the update otherwise.
  const fastapi = new AppService(
    plan.fastapi.name,
    {
      plan: plan.fastapi,
      networkName: network.name,
      databaseUrls: { async: database.asyncUrl },
      startAfter: schemaMigration.succeeded,
    },
    { providers },
  );
  deployed.add(plan.fastapi.name, fastapi);
  const ingress = new Ingress(
    plan.ingress.name,
    {
      plan: plan.ingress,
      networkName: network.name,
      routingVolumeName: routingVolumeName(prefix),
      startAfter: deployed.all(plan.ingress.startsAfter),
    },
    { providers },
  );
  deployed.add(plan.ingress.name, ingress);
  const monitoring = plan.monitoring
    ? deployDockerMonitoring({
        plan: plan.monitoring,
        networkName: network.name,
        deployed,
        databaseUrl: database.syncUrl,
        providers,
      })
    : undefined;

  return {
    ...monitoring,
    ingressUrl: ingress.publishedRouting.apply(() => `http://localhost:${plan.ingress.hostPort}`),
    databaseUrl: database.syncUrl,
    targetOutputs: {
      databaseVolume: database.volumeName,
      // The FastAPI replicas' container names, for direct, ingress-free checks and benchmarks.
      fastapiContainers: fastapi.containerNames,
      [DOCKER_PLATFORM_OUTPUTS.networkName]: network.name,
    },
  };
}
