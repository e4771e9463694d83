import type { PlatformConfig } from "../config/schema";
import type { MigrationMap } from "../routing/route";
import { snapshotOf } from "../routing/snapshot";
import { migrationState, progressOf, type Progress } from "./progress";
import { figuresFor, type BackendFigures, type MetricsReading } from "./routeFigures";
import { describeTarget, routeTargets } from "./routeTargets";
import type { FlaskBackup } from "./flaskBackup";
import { lastStepAt, type StepEvent } from "./stepHistory";

export interface RouteStatus {
  readonly id: string;
  readonly matches: string;
  readonly configuredWeight: number;
  /** The weight live on the ingress (the stack's `migrationMap` output); absent before the first deploy. */
  readonly deployedWeight?: number;
  /** legacy / canary x% / migrated, from the deployed weight when known. */
  readonly state: string;
  readonly lastStepAt?: string;
  readonly secondsSinceLastStep?: number;
  readonly flask: BackendFigures;
  readonly fastapi: BackendFigures;
  /** Requests per second that failed on one backend and were sent to the other; not part of either's share. */
  readonly failoverRate?: number;
}

/** Everything `status` shows, as plain data (it is also the `--json` output). */
export interface StackStatus {
  readonly stack: string;
  readonly generatedAt: string;
  /** The window the figures are computed over (`migration:gates.window`). */
  readonly window: string;
  readonly metrics: { readonly available: boolean; readonly reason?: string };
  readonly routes: readonly RouteStatus[];
  readonly progress: Progress;
  /** Flask's standing as the backup, from the update history (the decommission guard's rule). */
  readonly flaskBackup: FlaskBackup;
}

export interface StatusInput {
  readonly stack: string;
  readonly config: PlatformConfig;
  readonly deployed?: MigrationMap;
  readonly metrics: MetricsReading;
  readonly events: readonly StepEvent[];
  readonly flaskBackup: FlaskBackup;
  readonly now: Date;
}

export function buildStatus({ stack, config, deployed, metrics, events, flaskBackup, now }: StatusInput): StackStatus {
  const deployedWeights = new Map(deployed ? routeTargets(deployed).map((target) => [target.id, target.weight]) : []);
  const routes = routeTargets(snapshotOf(config)).map((target): RouteStatus => {
    const deployedWeight = deployedWeights.get(target.id);
    const stepAt = lastStepAt(events, target.id);
    return {
      id: target.id,
      matches: describeTarget(target),
      configuredWeight: target.weight,
      deployedWeight,
      state: migrationState(deployedWeight ?? target.weight),
      lastStepAt: stepAt?.toISOString(),
      secondsSinceLastStep: stepAt ? Math.floor((now.getTime() - stepAt.getTime()) / 1000) : undefined,
      ...figuresFor(metrics, target.id),
    };
  });
  return {
    stack,
    generatedAt: now.toISOString(),
    window: config.gates.window,
    metrics: metrics.available ? { available: true } : { available: false, reason: metrics.reason },
    routes,
    progress: progressOf(
      routes.map((route) => route.deployedWeight ?? route.configuredWeight),
      metrics,
    ),
    flaskBackup,
  };
}
