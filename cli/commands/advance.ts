import type { AdvanceRequest } from "../../infra/cutover/advanceRequest";
import { undeployedWeights } from "../../infra/cutover/drift";
import { evaluateGates, gateSettings } from "../../infra/cutover/gates";
import { applyChanges, describeChanges, planAdvance } from "../../infra/cutover/nextStep";
import { resolveRoute, routeTargets } from "../../infra/cutover/routeTargets";
import { lastStepAt, stepEvents } from "../../infra/cutover/stepHistory";
import { formatUpdateMessage } from "../../infra/cutover/updateMessage";
import { decideVerdict } from "../../infra/cutover/verdict";
import { renderVerdict } from "../../infra/cutover/verdictText";
import { PLATFORM_OUTPUTS } from "../../infra/contract/platformOutputs";
import { CliError, EXIT } from "../cliError";
import type { CutoverDeps } from "../ports";
import { loadStackView, readStackMetrics } from "../stackView";
import { deployWeights } from "./deployWeights";
import { verifyTraffic } from "./verifyTraffic";

/**
 * One step toward FastAPI: plan it from the deployed weights, judge it with the gates, then (unless refused or a dry
 * run) deploy it with who and why in the update message, and confirm the ingress serves the new split.
 */
export async function advance(deps: CutoverDeps, request: AdvanceRequest): Promise<number> {
  const stack = await deps.openStack(request.stack);
  const view = await loadStackView(stack);
  if (!view.deployed) {
    throw new CliError(
      `stack ${stack.name} has not been deployed yet (it has no ${PLATFORM_OUTPUTS.migrationMap} output): deploy it first, e.g. npm run up`,
    );
  }
  const drift = undeployedWeights(view.configured, view.deployed);
  if (drift.length > 0) {
    throw new CliError(
      `stack ${stack.name} has weights in its config that are not deployed, and a step is judged against what is live:\n` +
        drift.map((line) => `  - ${line}`).join("\n") +
        "\nDeploy them with pulumi up, or set them back, then advance.",
    );
  }
  const targets = routeTargets(view.configured);
  const route = request.route === undefined ? undefined : resolveRoute(targets, request.route, stack.name);
  const changes = planAdvance(targets, view.config, { route, to: request.to });

  const [updates, metrics] = await Promise.all([stack.history(), readStackMetrics(deps, view)]);
  if (!metrics.available) deps.print(`Warning: ${metrics.reason}; the metric gates cannot pass.`);
  const events = stepEvents(updates, stack.namespace);
  const now = deps.now();
  const settings = gateSettings(view.config);
  const gates = changes.flatMap((change) =>
    evaluateGates({ change, metrics, lastStepAt: lastStepAt(events, change.target.id), now }, settings),
  );
  const verdict = decideVerdict(gates, request.force ? { reason: request.reason! } : undefined);
  deps.print(renderVerdict(changes, verdict));

  if (request.dryRun) {
    deps.print(`\nPreview of the step on stack ${stack.name} (the stack's config is not changed):`);
    await stack.preview(changes, deps.progress);
    deps.print(`Dry run: nothing changed; advance would ${verdict.decision === "refused" ? "refuse" : "go ahead"}.`);
    return verdict.decision === "refused" ? EXIT.refused : EXIT.ok;
  }
  if (verdict.decision === "refused") return EXIT.refused;

  const message = formatUpdateMessage({
    action: "advance",
    by: deps.currentUser(),
    changes: describeChanges(changes),
    forced: verdict.decision === "forced" ? [...new Set(verdict.overridden.map((gate) => gate.gate))] : [],
    reason: request.reason,
  });
  await deployWeights(deps, stack, changes, message);
  const verified = await verifyTraffic(
    deps,
    view.ingressUrl,
    applyChanges(view.configured, changes),
    changes.map((change) => ({ routeId: change.target.id, weight: change.to })),
  );
  return verified ? EXIT.ok : EXIT.failed;
}
