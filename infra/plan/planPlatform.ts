import type { PlatformConfig } from "../config/schema";
import type { ErrorTracking } from "../contract/platformOutputs";
import { sentryRelease } from "../monitoring/errorTracking";
import type { MonitoringFacts } from "../monitoring/monitoringFacts";
import { renderIngress } from "../render/ingress";
import { APP_HEALTH_PATH, buildRoutingPlan, type BackendName, type BackendServers } from "../routing/plan";
import type { MigrationMap } from "../routing/route";
import { snapshotOf } from "../routing/snapshot";
import type { AppPlan, DatabasePlan, Env, IngressPlan, JobPlan, PlatformPlan } from "./platformPlan";
import { pythonHealthCheck } from "./healthChecks";
import { planMonitoring } from "./planMonitoring";

/** What only the target knows, and the plan needs: how the ingress and Prometheus reach the apps there. */
export interface TargetFacts {
  /** Where the ingress finds each app's replicas on this target. */
  readonly servers: BackendServers;
  /** How Prometheus finds and names what it watches on this target. */
  readonly monitoring: MonitoringFacts;
  /** The DNS server the nginx flavour resolves the backends' names with, where they are names. */
  readonly dnsResolver?: string;
}

export interface PlanOptions {
  /** Where the apps report their unhandled errors; none when absent. */
  readonly errorTracking?: ErrorTracking;
  /** The weights to route by, when not the config's own (the cutover command's fast rollback). */
  readonly map?: MigrationMap;
}

const DATABASE_PORT = 5432;

/**
 * The variables the apps' error tracking reads (sentry-sdk takes SENTRY_ENVIRONMENT and SENTRY_RELEASE itself). The DSN
 * holds the project's key, so it is secret.
 */
function errorTrackingEnv(tracking: ErrorTracking, app: BackendName, image: string): Env {
  return [
    ["SENTRY_DSN", { value: tracking.sentryDsn, secret: true }],
    ["SENTRY_ENVIRONMENT", { value: tracking.environment }],
    ["SENTRY_RELEASE", { value: sentryRelease(app, image) }],
  ];
}

export interface AppSettings {
  readonly image: string;
  readonly port: number;
  readonly replicas: number;
  /** Which database URL the app's driver takes: psycopg2 (Flask) the plain one, asyncpg (FastAPI) the async one. */
  readonly databaseUrl: "sync" | "async";
  readonly errorTracking?: ErrorTracking;
  readonly startsAfter?: readonly string[];
}

/** One of the two apps, as the platform runs FastAPI and the legacy stack runs Flask. */
export function planApp(app: BackendName, settings: AppSettings): AppPlan {
  const { image, port } = settings;
  return {
    name: app,
    host: app,
    image,
    port,
    replicas: settings.replicas,
    health: pythonHealthCheck(port, APP_HEALTH_PATH),
    env: [
      ["DATABASE_URL", { databaseUrl: settings.databaseUrl }],
      ["BACKEND_NAME", { value: app }],
      ...(settings.errorTracking ? errorTrackingEnv(settings.errorTracking, app, image) : []),
      ["PORT", { value: String(port) }],
    ],
    startsAfter: settings.startsAfter ?? [],
  };
}

function planDatabase({ database }: PlatformConfig): DatabasePlan {
  return {
    name: "database",
    host: "postgres",
    image: database.image,
    port: DATABASE_PORT,
    databaseName: database.name,
    user: database.user,
    dataPath: "/var/lib/postgresql/data",
    retainOnDestroy: database.retainOnDestroy,
    health: {
      command: ["pg_isready", "-h", "127.0.0.1", "-U", database.user, "-d", database.name],
      intervalSeconds: 2,
      timeoutSeconds: 2,
      retries: 30,
      startPeriodSeconds: 5,
    },
    startsAfter: [],
  };
}

function planSchemaMigration(config: PlatformConfig, database: DatabasePlan): JobPlan {
  return {
    name: "schema-migration",
    image: config.fastapi.image,
    command: ["alembic", "upgrade", "head"],
    env: [["DATABASE_URL", { databaseUrl: "async" }]],
    startsAfter: [database.name],
  };
}

function planIngress(config: PlatformConfig, plan: PlatformPlan["routing"], target: TargetFacts): IngressPlan {
  const rendered = renderIngress(config.ingress, plan, { dnsResolver: target.dnsResolver });
  return {
    name: "ingress",
    host: "ingress",
    image: config.ingressImage,
    command: rendered.command,
    files: rendered.staticFiles,
    routing: rendered.routing,
    port: rendered.httpPort,
    metricsPort: rendered.metricsPort,
    metricsPath: rendered.metricsPath,
    hostPort: config.ingressPort,
    health: { ...rendered.health, intervalSeconds: 5, timeoutSeconds: 3, retries: 3, startPeriodSeconds: 5 },
    startsAfter: ["fastapi"],
  };
}

/**
 * The platform plan: every workload, its image, environment, files, health check and start order, from the validated
 * config and the target's facts. Pure: the program deploys it, and the cutover command plans the same routing from it.
 */
export function planPlatform(config: PlatformConfig, target: TargetFacts, options: PlanOptions = {}): PlatformPlan {
  const routing = buildRoutingPlan(options.map ?? snapshotOf(config), config, target.servers);
  const database = planDatabase(config);
  const schemaMigration = planSchemaMigration(config, database);
  const fastapi = planApp("fastapi", {
    ...config.fastapi,
    databaseUrl: "async",
    errorTracking: options.errorTracking,
    startsAfter: [schemaMigration.name],
  });
  const ingress = planIngress(config, routing, target);
  return {
    database,
    schemaMigration,
    fastapi,
    ingress,
    monitoring: config.monitoring.enabled
      ? planMonitoring({ config, routing, servers: target.servers, target: target.monitoring, ingress, database })
      : undefined,
    routing,
  };
}
