import { namespaceValues } from "../config/namespaceConfig";
import type { MigrationMap } from "../routing/route";
import { parseSnapshot } from "../routing/snapshot";
import { describeTarget, routeTargets } from "./routeTargets";
import { parseUpdateMessage, type CutoverAction } from "./updateMessage";

/** One entry of the stack's update history (`pulumi stack history`), reduced to what the cutover reads. */
export interface UpdateRecord {
  /** 0 on the DIY file backend, which does not number updates. */
  readonly version: number;
  readonly kind: string;
  readonly result: string;
  readonly startTime: Date;
  readonly endTime?: Date;
  readonly message: string;
  /** What Pulumi noted about the update's origin, e.g. `git.author` (author of the HEAD commit). */
  readonly environment: Readonly<Record<string, string>>;
  /** The stack config the update ran with, `key → value` as `pulumi config` shows it. */
  readonly config: Readonly<Record<string, string>>;
}

/** A weight that an update set: `from` is absent for a route the update introduced, `to` for one it removed. */
export interface RouteWeightStep {
  readonly routeId: string;
  readonly matches: string;
  readonly from?: number;
  readonly to?: number;
}

/** A successful update that changed at least one weight: a step of the migration, whoever ran it. */
export interface StepEvent {
  /** The update's number; absent on backends that do not number updates (the DIY file backend records 0). */
  readonly version?: number;
  readonly at: Date;
  readonly who: string;
  /** `cutover`: recorded by this command; `git author of HEAD`: Pulumi's note, the best a manual `pulumi up` leaves. */
  readonly whoSource: "cutover" | "git author of HEAD" | "unknown";
  readonly why: string;
  /** Undefined for a manual `pulumi config set` + `pulumi up`. */
  readonly action?: CutoverAction;
  readonly changes: readonly RouteWeightStep[];
}

/** A successful update with the migration map it deployed, read from the config it ran with. */
export interface DeployedUpdate {
  readonly update: UpdateRecord;
  readonly map: MigrationMap;
}

/**
 * The successful updates that deployed a migration map, oldest first. `updates` come as `pulumi stack history` lists
 * them, newest first; they are put in order by start time (to the second), keeping that listing's order for updates
 * started in the same second, since the DIY backend numbers none.
 */
export function deployedUpdates(updates: readonly UpdateRecord[], namespace: string): DeployedUpdate[] {
  return [...updates]
    .reverse()
    .filter((update) => update.kind === "update" && update.result === "succeeded")
    .sort((a, b) => a.startTime.getTime() - b.startTime.getTime())
    .flatMap((update) => {
      const values = namespaceValues(update.config, namespace);
      const map = parseSnapshot({ defaultWeight: values.defaultWeight, routes: values.routes ?? [] });
      return map ? [{ update, map }] : [];
    });
}

/** When an update's change took effect: its end, or its start on a record without one. */
export const updateTime = (update: UpdateRecord): Date => update.endTime ?? update.startTime;

function authorship(update: UpdateRecord): Pick<StepEvent, "who" | "whoSource" | "why" | "action"> {
  const record = parseUpdateMessage(update.message);
  if (!record) {
    const author = update.environment["git.author"];
    return {
      who: author ?? "unknown",
      whoSource: author ? "git author of HEAD" : "unknown",
      why: update.message.trim() || "(no message)",
    };
  }
  const why =
    record.action === "rollback"
      ? `rollback${record.reason ? `: ${record.reason}` : " (no reason given)"}`
      : record.forced.length > 0
        ? `forced past ${record.forced.join(", ")}: ${record.reason}`
        : `gates passed${record.reason ? `; ${record.reason}` : ""}`;
  return { who: record.by, whoSource: "cutover", why, action: record.action };
}

/**
 * The migration's steps, oldest first: every successful update whose weights differ from those of the successful
 * update before it. Reading the weights from each update's recorded config (rather than from messages) also counts
 * steps taken by hand with `pulumi config set` and `pulumi up`. The first deploy is a step: it set the first weights.
 */
export function stepEvents(updates: readonly UpdateRecord[], namespace: string): StepEvent[] {
  const events: StepEvent[] = [];
  let previous: Map<string, RouteWeightStep> | undefined;
  for (const { update, map } of deployedUpdates(updates, namespace)) {
    const current = new Map(
      routeTargets(map).map((target) => [
        target.id,
        { routeId: target.id, matches: describeTarget(target), to: target.weight },
      ]),
    );
    const changed = [...current.values()]
      .filter((step) => previous?.get(step.routeId)?.to !== step.to)
      .map((step) => ({ ...step, from: previous?.get(step.routeId)?.to }));
    const removed = [...(previous?.values() ?? [])]
      .filter((step) => !current.has(step.routeId))
      .map(({ routeId, matches, to }) => ({ routeId, matches, from: to }));
    const changes = [...changed, ...removed];
    if (changes.length > 0) {
      events.push({
        version: update.version > 0 ? update.version : undefined,
        at: updateTime(update),
        ...authorship(update),
        changes,
      });
    }
    previous = current;
  }
  return events;
}

export function describeStep(step: Pick<RouteWeightStep, "routeId" | "from" | "to">): string {
  if (step.from === undefined) return `${step.routeId} set to ${step.to}%`;
  if (step.to === undefined) return `${step.routeId} removed (was ${step.from}%)`;
  return `${step.routeId} ${step.from}→${step.to}%`;
}

/** When the route's weight was last set by a successful update (undefined when the history never shows it). */
export function lastStepAt(events: readonly StepEvent[], routeId: string): Date | undefined {
  return [...events]
    .reverse()
    .find((event) => event.changes.some((step) => step.routeId === routeId && step.to !== undefined))?.at;
}
