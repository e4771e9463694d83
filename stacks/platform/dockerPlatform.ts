import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { routingVolumeName } from "../../infra/contract/dockerNames";
import { AppService } from "../../components/docker/appService";
import { Ingress } from "../../components/docker/ingress";
import { MigrationNetwork } from "../../components/docker/migrationNetwork";
import { OneShotContainer } from "../../components/docker/oneShotContainer";
import { PostgresDatabase } from "../../components/docker/postgresDatabase";
import type { PlatformConfig } from "../../infra/config/schema";
import type { ErrorTracking } from "../../infra/contract/platformOutputs";
import { renderIngress } from "../../infra/render/ingress";
import { APP_HEALTH_PATH, type RoutingPlan } from "../../infra/routing/plan";
import { deployDockerMonitoring } from "./dockerMonitoring";

export interface DockerPlatformArgs {
  readonly config: PlatformConfig;
  readonly plan: RoutingPlan;
  /** Where FastAPI reports its unhandled errors; none when absent. */
  readonly errorTracking?: ErrorTracking;
  /** Prefix for names that must be stable across deploys (the database volume), e.g. `migration-dev`. */
  readonly stablePrefix: string;
}

export interface DockerPlatform {
  readonly networkName: pulumi.Output<string>;
  readonly databaseUrl: pulumi.Output<string>;
  readonly databaseVolume: pulumi.Output<string>;
  /** Container names of the FastAPI replicas (for direct, ingress-free checks and benchmarks). */
  readonly fastapiContainers: pulumi.Output<string[]>;
  readonly ingressUrl: pulumi.Output<string>;
  readonly prometheusUrl?: pulumi.Output<string>;
  readonly migrationPageUrl?: pulumi.Output<string>;
  readonly grafanaUrl?: pulumi.Output<string>;
  /** Secret. */
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  readonly logsUrl?: pulumi.Output<string>;
}

/**
 * The platform on one Docker engine: network, database, schema migration, FastAPI, the weighted ingress, and the
 * monitoring (Prometheus and the companions whose image is configured).
 */
export function deployDockerPlatform({
  config,
  plan,
  errorTracking,
  stablePrefix,
}: DockerPlatformArgs): DockerPlatform {
  const providers = [new docker.Provider("docker", {}), new random.Provider("random", {})];

  const network = new MigrationNetwork("network", { providers });
  const database = new PostgresDatabase(
    "database",
    {
      image: config.database.image,
      networkName: network.name,
      databaseName: config.database.name,
      user: config.database.user,
      volumeName: `${stablePrefix}-pgdata`,
      retainOnDestroy: config.database.retainOnDestroy,
    },
    { providers },
  );
  // Alembic (shipped in the FastAPI image) owns the shared schema; FastAPI starts only after it exits 0, and a failed
  // migration fails the update with Alembic's output.
  const schemaMigration = new OneShotContainer(
    "schema-migration",
    {
      image: config.fastapi.image,
      command: ["alembic", "upgrade", "head"],
      networkName: network.name,
      envs: [pulumi.interpolate`DATABASE_URL=${database.asyncUrl}`],
    },
    { providers },
  );
  const fastapi = new AppService(
    "fastapi",
    {
      image: config.fastapi.image,
      serviceName: "fastapi",
      replicas: config.fastapi.replicas,
      port: config.fastapi.port,
      healthPath: APP_HEALTH_PATH,
      networkName: network.name,
      env: { DATABASE_URL: database.asyncUrl, BACKEND_NAME: "fastapi" },
      errorTracking,
      startAfter: schemaMigration.succeeded,
    },
    { providers },
  );
  const rendered = renderIngress(config.ingress, plan);
  const ingress = new Ingress(
    "ingress",
    {
      image: config.ingressImage,
      networkName: network.name,
      rendered,
      hostPort: config.ingressPort,
      routingVolumeName: routingVolumeName(stablePrefix),
      startAfter: [fastapi],
    },
    { providers },
  );
  const monitoring = config.monitoring.enabled
    ? deployDockerMonitoring({
        config,
        plan,
        networkName: network.name,
        ingress,
        ingressMetricsPath: rendered.metricsPath,
        databaseUrl: database.syncUrl,
        providers,
      })
    : undefined;

  return {
    networkName: network.name,
    databaseUrl: database.syncUrl,
    databaseVolume: database.volumeName,
    fastapiContainers: fastapi.containerNames,
    ingressUrl: ingress.publishedRouting.apply(() => `http://localhost:${config.ingressPort}`),
    prometheusUrl: monitoring?.prometheusUrl,
    migrationPageUrl: monitoring?.migrationPageUrl,
    grafanaUrl: monitoring?.grafanaUrl,
    grafanaAdminPassword: monitoring?.grafanaAdminPassword,
    logsUrl: monitoring?.logsUrl,
  };
}
