import { decommissionVerdict, describeFlaskBackup, flaskBackup } from "../../infra/cutover/flaskBackup";
import { EXIT } from "../cliError";
import type { CutoverDeps } from "../ports";

/**
 * Whether the legacy Flask stack may be destroyed now: nothing routed to Flask, and the backup window over, both read
 * from the platform stack's update history. The legacy stack's decommission guard runs this at `pulumi destroy`.
 */
export async function canDecommission(
  deps: CutoverDeps,
  options: { readonly stack: string; readonly json: boolean },
): Promise<number> {
  const stack = await deps.openStack(options.stack);
  const backup = flaskBackup(await stack.history(), stack.namespace);
  const now = deps.now();
  const verdict = decommissionVerdict(stack.name, backup, now);
  deps.print(
    options.json
      ? JSON.stringify({ ...verdict, backup }, null, 2)
      : verdict.allowed
        ? `Flask may be decommissioned. ${describeFlaskBackup(backup, now)}`
        : `Flask may not be decommissioned yet: ${verdict.reason}`,
  );
  return verdict.allowed ? EXIT.ok : EXIT.refused;
}
