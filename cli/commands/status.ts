import { flaskBackup } from "../../infra/cutover/flaskBackup";
import { buildStatus } from "../../infra/cutover/routeStatus";
import { renderStatus } from "../../infra/cutover/statusTable";
import { stepEvents } from "../../infra/cutover/stepHistory";
import { EXIT } from "../cliError";
import type { CutoverDeps } from "../ports";
import { loadStackView, readStackMetrics } from "../stackView";

export async function status(
  deps: CutoverDeps,
  options: { readonly stack: string; readonly json: boolean },
): Promise<number> {
  const stack = await deps.openStack(options.stack);
  const view = await loadStackView(stack);
  const [updates, metrics] = await Promise.all([stack.history(), readStackMetrics(deps, view)]);
  const model = buildStatus({
    stack: stack.name,
    config: view.config,
    deployed: view.deployed,
    metrics,
    events: stepEvents(updates, stack.namespace),
    flaskBackup: flaskBackup(updates, stack.namespace),
    now: deps.now(),
  });
  deps.print(options.json ? JSON.stringify(model, null, 2) : renderStatus(model));
  return EXIT.ok;
}
