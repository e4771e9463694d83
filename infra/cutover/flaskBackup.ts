import { namespaceValues } from "../config/namespaceConfig";
import { platformConfigSchema } from "../config/schema";
import { flaskTrafficOf } from "../routing/snapshot";
import { parseDuration } from "./duration";
import { deployedUpdates, updateTime, type UpdateRecord } from "./stepHistory";

/**
 * Flask's standing as the backup, read from the platform stack's update history: the timestamps of its updates and
 * the config each one ran with, never a clock or a file of this machine's.
 */
export type FlaskBackup =
  /** The history holds no successful update that deployed a migration map. */
  | { readonly state: "unknown" }
  /** The last successful update still routes a share to Flask. */
  | { readonly state: "routed"; readonly routes: readonly string[] }
  /** No route has sent Flask anything since `idleSince`; it must stay deployed until `until`. */
  | {
      readonly state: "backup";
      readonly idleSince: Date;
      /** The update that took the last share away; absent on a backend that does not number updates. */
      readonly version?: number;
      /** `migration:backupWindow` as the last successful update deployed it. */
      readonly window: string;
      readonly until: Date;
    };

/**
 * Flask's last configured share went away with the first update of the unbroken run of updates at the end of the
 * history that route it nothing: a rollback that routes traffic to Flask again ends that run, so the window starts
 * over at the next update that takes it away.
 */
export function flaskBackup(updates: readonly UpdateRecord[], namespace: string): FlaskBackup {
  const deployed = deployedUpdates(updates, namespace);
  const latest = deployed.at(-1);
  if (!latest) return { state: "unknown" };
  const routes = flaskTrafficOf(latest.map);
  if (routes.length > 0) return { state: "routed", routes };
  let firstIdle = latest;
  for (let index = deployed.length - 2; index >= 0 && flaskTrafficOf(deployed[index].map).length === 0; index--)
    firstIdle = deployed[index];
  // The schema's default applies to an update that ran before the key existed, as it did in that update's program.
  const window = platformConfigSchema.shape.backupWindow.parse(
    namespaceValues(latest.update.config, namespace).backupWindow,
  );
  const idleSince = updateTime(firstIdle.update);
  return {
    state: "backup",
    idleSince,
    version: firstIdle.update.version > 0 ? firstIdle.update.version : undefined,
    window,
    until: new Date(idleSince.getTime() + parseDuration(window)),
  };
}

/** A date as the history shows it, to the second, in UTC, so every reader sees the same moment. */
export const formatInstant = (at: Date) => `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;

/** One line for `status` and `report`. */
export function describeFlaskBackup(backup: FlaskBackup, now: Date): string {
  switch (backup.state) {
    case "unknown":
      return "Flask: no successful update in the platform's history yet";
    case "routed":
      return `Flask: still routed (${backup.routes.join("; ")}); its backup window starts when no route sends it traffic`;
    case "backup":
      return backup.until.getTime() > now.getTime()
        ? `Flask: the backup until ${formatInstant(backup.until)} (no configured traffic since ${formatInstant(backup.idleSince)}, backupWindow ${backup.window}); its stack may be destroyed from then`
        : `Flask: no configured traffic since ${formatInstant(backup.idleSince)}; the backup window (${backup.window}) is over, its stack may be destroyed`;
  }
}

/** What the decommission guard decides when the legacy stack is destroyed. */
export type DecommissionVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const FORCE_HINT =
  'To destroy it anyway, set legacy-flask:forceDecommission to true with `pulumi up --message "<why>"` in ' +
  "stacks/legacy-flask (the update history keeps the reason), then destroy.";

/**
 * Flask may go once the platform has routed it nothing for the whole backup window. Anything unreadable counts as
 * "still needed", because guessing wrong here removes the live service or its backup.
 */
export function decommissionVerdict(platformStack: string, backup: FlaskBackup, now: Date): DecommissionVerdict {
  switch (backup.state) {
    case "unknown":
      return {
        allowed: false,
        reason: `platform stack ${platformStack} has no successful update in its history, so it is unknown whether Flask still receives traffic. ${FORCE_HINT}`,
      };
    case "routed":
      return {
        allowed: false,
        reason:
          `platform stack ${platformStack} still routes traffic to Flask:\n` +
          backup.routes.map((route) => `  - ${route}`).join("\n") +
          "\nSet those weights to 100 in the platform stack and run `pulumi up` there first; then destroy this stack.",
      };
    case "backup":
      if (backup.until.getTime() <= now.getTime()) return { allowed: true };
      return {
        allowed: false,
        reason:
          `Flask is the backup until ${formatInstant(backup.until)}: platform stack ${platformStack} has routed it ` +
          `nothing since ${formatInstant(backup.idleSince)}${backup.version ? ` (update ${backup.version})` : ""}, and its ` +
          `migration:backupWindow is ${backup.window}. Destroy is allowed from ${formatInstant(backup.until)}. ${FORCE_HINT}`,
      };
  }
}
