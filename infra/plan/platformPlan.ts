import type { RoutingPlan } from "../routing/plan";
import type { HotFile } from "./routingPublisher";

/**
 * A value for a workload's environment. Secret values stay secret in state and outputs. The database's password is
 * generated when the platform is deployed, so the URLs that carry it are named here and filled in by the target.
 */
export type EnvValue =
  | { readonly value: string; readonly secret?: true }
  | { readonly databaseUrl: "sync" | "async"; readonly suffix?: string };

/** Environment variables in the order the workload receives them. */
export type Env = ReadonlyArray<readonly [name: string, value: EnvValue]>;

/** A health check as data: each target turns it into its own probe. */
export interface HealthCheck {
  /** Run inside the container; exit 0 means healthy (the only kind of check the Docker engine runs). */
  readonly command: readonly string[];
  /** The HTTP endpoint the same check reads, for targets that probe from outside; absent when there is none. */
  readonly http?: { readonly port: number; readonly path: string };
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  /** Misses in a row before the workload counts as unhealthy. */
  readonly retries: number;
  /** Grace after a start during which misses do not count. */
  readonly startPeriodSeconds: number;
}

/** A file baked into a workload: changing it restarts (or replaces) the workload, so nothing here depends on a weight. */
export interface StaticFile {
  readonly path: string;
  readonly content: string;
  /** Kept secret in state (e.g. Alertmanager's config, whose webhook URL may carry a token). */
  readonly secret?: true;
}

/** What every long-running part of the platform has in common. */
export interface Workload {
  /** The resource name, also the name the other workloads reach it by (its host name), unless `host` says otherwise. */
  readonly name: string;
  readonly host: string;
  readonly image: string;
  /** The port it serves on inside its container. */
  readonly port: number;
  readonly health?: HealthCheck;
  /** Workloads that must be up (or, for a job, have succeeded) before this one starts. */
  readonly startsAfter: readonly string[];
}

export interface DatabasePlan extends Workload {
  readonly databaseName: string;
  readonly user: string;
  /** Where the engine keeps its data inside the container: a volume. */
  readonly dataPath: string;
  /** Keep the data when the stack is destroyed. */
  readonly retainOnDestroy: boolean;
}

/** A job run to completion during the update; a failure fails the update with the job's own output. */
export interface JobPlan {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly env: Env;
  readonly startsAfter: readonly string[];
}

/** An HTTP app run as replicas behind the ingress. */
export interface AppPlan extends Workload {
  readonly replicas: number;
  readonly env: Env;
}

export interface IngressPlan extends Workload {
  /** The whole command line (it replaces the image's entrypoint). */
  readonly command: readonly string[];
  readonly files: readonly StaticFile[];
  /** The routing: the one part of the ingress a weight step changes, published while the ingress runs. */
  readonly routing: HotFile;
  /** Port serving Prometheus metrics and the health endpoint. */
  readonly metricsPort: number;
  readonly metricsPath: string;
  /** Port on the host that serves the migrated service. */
  readonly hostPort: number;
}

export interface PrometheusPlan extends Workload {
  /** Arguments to the image's entrypoint. */
  readonly args: readonly string[];
  /** prometheus.yml, the recording and alert rules and the console pages: they never depend on a weight. */
  readonly files: readonly StaticFile[];
  /**
   * The weight rules, the one rule file a weight step rewrites (Prometheus reloads them in place); absent where
   * Prometheus scrapes the weights from the ingress instead (see MonitoringFacts.weights).
   */
  readonly weightRules?: HotFile;
  /** Where Prometheus keeps its samples: a volume. */
  readonly dataPath: string;
  /** Host port (loopback only) for the UI and API. */
  readonly hostPort: number;
  /** Path of the live Flask vs FastAPI page under the UI's address. */
  readonly migrationPagePath: string;
}

export interface AlertmanagerPlan extends Workload {
  readonly args: readonly string[];
  readonly files: readonly StaticFile[];
  readonly dataPath: string;
}

export interface PostgresExporterPlan extends Workload {
  readonly args: readonly string[];
  readonly env: Env;
}

export interface GrafanaPlan extends Workload {
  readonly files: readonly StaticFile[];
  readonly hostPort: number;
}

export interface LogStorePlan extends Workload {
  readonly args: readonly string[];
  readonly dataPath: string;
  readonly hostPort: number;
  /** The web UI's path under the store's address. */
  readonly uiPath: string;
}

/** The log pipeline: a collector on every host of the target, sending over OTLP to the store (or the user's backend). */
export interface LogsPlan {
  readonly collectorImage: string;
  /** The OTLP/HTTP base URL the collector sends to. */
  readonly otlpEndpoint: string;
  /** Absent when the logs go to the user's own backend. */
  readonly store?: LogStorePlan;
  /** The Docker engine's data root, where its json-file logs are (read by the Docker target's collector). */
  readonly dockerDataRoot: string;
  readonly startsAfter: readonly string[];
}

export interface MonitoringPlan {
  readonly prometheus: PrometheusPlan;
  readonly alertmanager?: AlertmanagerPlan;
  readonly postgresExporter?: PostgresExporterPlan;
  readonly grafana?: GrafanaPlan;
  readonly logs?: LogsPlan;
}

/**
 * Everything the platform runs, computed from the validated config alone, with no Pulumi resource and no fact of any
 * one target: each target deploys this plan its own way. What a weight step changes is the two hot files
 * (`ingress.routing` and `monitoring.prometheus.weightRules`); everything else is static, so a weight step replaces
 * and restarts nothing.
 */
export interface PlatformPlan {
  readonly database: DatabasePlan;
  /** Alembic, from the FastAPI image: it owns the shared schema, and FastAPI starts only after it succeeded. */
  readonly schemaMigration: JobPlan;
  readonly fastapi: AppPlan;
  readonly ingress: IngressPlan;
  /** Absent while monitoring is disabled. */
  readonly monitoring?: MonitoringPlan;
  /** The routing the ingress serves, also what the monitoring observes. */
  readonly routing: RoutingPlan;
}
