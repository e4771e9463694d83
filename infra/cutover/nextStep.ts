import type { MigrationMap } from "../routing/route";
import { DEFAULT_ROUTE_ID } from "../routing/routeIds";
import { CutoverInputError } from "./inputError";
import { routeTargets, type RouteTarget } from "./routeTargets";
import { describeStep } from "./stepHistory";

/** One weight to set: which route, from what, to what (percent of its traffic sent to FastAPI). */
export interface WeightChange {
  readonly target: RouteTarget;
  readonly from: number;
  readonly to: number;
}

export interface StageSchedule {
  readonly schedule: readonly number[];
  readonly maxStep: number;
}

/** Reads `--to N`: an integer percentage, nothing else (no "50%", no 12.5). */
export function parseTargetWeight(text: string): number {
  const weight = /^[0-9]{1,3}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(weight >= 0 && weight <= 100)) {
    throw new CutoverInputError(
      `--to must be an integer from 0 to 100 (percent of traffic sent to FastAPI); got "${text}"`,
    );
  }
  return weight;
}

/**
 * The schedule's next step above the current weight, never more than maxStep above it: a weight set by hand between
 * steps, or a first step far from 0, still moves by at most what the program's step guard accepts.
 */
export function nextScheduledWeight({ schedule, maxStep }: StageSchedule, current: number): number | undefined {
  const next = schedule.find((step) => step > current);
  return next === undefined ? undefined : Math.min(next, current + maxStep);
}

/**
 * What `advance` changes. With a route: that route to the next step (or `to`). Without: every route already split
 * moves, each from where it is; routes already at the target stay, and so do routes still at 0%: with no FastAPI
 * figures their first step cannot pass the gates, so opening one is a deliberate `--route` (and `--force`) of its own
 * rather than something that blocks every other route's step. An explicit `to` is not capped at maxStep: the maxStep
 * gate refuses it instead, so that the user learns why.
 */
export function planAdvance(
  targets: readonly RouteTarget[],
  stage: StageSchedule,
  request: { readonly route?: RouteTarget; readonly to?: number },
): WeightChange[] {
  const { route, to } = request;
  if (route) {
    if (to !== undefined && to < route.weight) {
      throw new CutoverInputError(
        `--to ${to} would move route ${route.id} back toward Flask (it is at ${route.weight}%); advance only moves traffic to FastAPI: use rollback, or set the weight with pulumi config set and pulumi up`,
      );
    }
    const next = to ?? nextScheduledWeight(stage, route.weight);
    if (next === undefined || next === route.weight) {
      throw new CutoverInputError(`route ${route.id} is already at ${route.weight}% FastAPI; nothing to advance`);
    }
    return [{ target: route, from: route.weight, to: next }];
  }
  const opened = targets.filter((target) => target.weight > 0);
  const changes = opened.flatMap((target) => {
    const next = to ?? nextScheduledWeight(stage, target.weight);
    return next !== undefined && next > target.weight ? [{ target, from: target.weight, to: next }] : [];
  });
  if (changes.length === 0) {
    const unopened = targets.filter((target) => target.weight === 0).map((target) => target.id);
    const done = to === undefined ? "at 100% FastAPI" : `at ${to}% FastAPI or more`;
    throw new CutoverInputError(
      unopened.length === 0
        ? `every route is already ${done}; nothing to advance`
        : `nothing to advance without --route: every route is ${done} or still at 0% (${unopened.join(", ")}); open a route at 0% with --route`,
    );
  }
  return changes;
}

/** What `rollback` changes: every selected weight above 0 goes to 0, with no gate. */
export function planRollback(selection: readonly RouteTarget[]): WeightChange[] {
  return selection.filter((target) => target.weight > 0).map((target) => ({ target, from: target.weight, to: 0 }));
}

/** One line naming each change, for the output and the update message: `api-users-get-head 10→50%`. */
export function describeChanges(changes: readonly WeightChange[]): string {
  return changes
    .map((change) => describeStep({ routeId: change.target.id, from: change.from, to: change.to }))
    .join(", ");
}

/** The map once the changes are deployed: what the verification probes expect to see. */
export function applyChanges(map: MigrationMap, changes: readonly WeightChange[]): MigrationMap {
  const weightOf = (id: string, current: number) => changes.find((change) => change.target.id === id)?.to ?? current;
  const ids = routeTargets(map).map((target) => target.id);
  return {
    defaultWeight: weightOf(DEFAULT_ROUTE_ID, map.defaultWeight),
    routes: map.routes.map((route, index) => ({ ...route, weight: weightOf(ids[index], route.weight) })),
  };
}
