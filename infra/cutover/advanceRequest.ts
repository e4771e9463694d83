import { CutoverInputError } from "./inputError";
import { parseTargetWeight } from "./nextStep";

/** `advance` as the user asked for it, checked before anything is read from the stack. */
export interface AdvanceRequest {
  readonly stack: string;
  /** A route path as in config, or a route id; all routes when absent. */
  readonly route?: string;
  readonly to?: number;
  readonly dryRun: boolean;
  /** Why the step is taken; required with --force, recorded in the stack's update history either way. */
  readonly reason?: string;
  readonly force: boolean;
}

export interface AdvanceFlags {
  readonly stack: string;
  readonly route?: string;
  readonly to?: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly reason?: string;
}

export function parseAdvanceRequest(flags: AdvanceFlags): AdvanceRequest {
  const reason = flags.reason?.trim() || undefined;
  if (flags.force && !reason) {
    throw new CutoverInputError(
      '--force needs --reason "...": overriding a gate is recorded with its reason in the stack\'s update history',
    );
  }
  return {
    stack: flags.stack,
    route: flags.route,
    to: flags.to === undefined ? undefined : parseTargetWeight(flags.to),
    dryRun: Boolean(flags.dryRun),
    reason,
    force: Boolean(flags.force),
  };
}
