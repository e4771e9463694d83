import { describeChanges, applyChanges, planRollback } from "../../infra/cutover/nextStep";
import { resolveRoute, routeTargets } from "../../infra/cutover/routeTargets";
import { formatUpdateMessage } from "../../infra/cutover/updateMessage";
import { EXIT } from "../cliError";
import type { CutoverDeps } from "../ports";
import { snapshotOf } from "../../infra/routing/snapshot";
import { loadStackConfig, loadStackView } from "../stackView";
import { deployWeights } from "./deployWeights";
import { verifyTraffic } from "./verifyTraffic";

const secondsSince = (deps: CutoverDeps, started: Date) =>
  ((deps.now().getTime() - started.getTime()) / 1000).toFixed(1);

/**
 * Every selected weight to 0 at once, with no gate and without asking Prometheus (which may be what is broken), then
 * proof through the ingress that Flask serves it all.
 */
export async function rollback(
  deps: CutoverDeps,
  request: { readonly stack: string; readonly route?: string; readonly reason?: string },
): Promise<number> {
  const started = deps.now();
  const stack = await deps.openStack(request.stack);
  // Traffic first: the config alone says which weights go to 0, and the routing goes straight into the running ingress
  // before anything else is read (the outputs, a CLI run of their own) or recorded (a whole `pulumi up`).
  const config = await loadStackConfig(stack);
  const configured = snapshotOf(config);
  const targets = routeTargets(configured);
  const selection = request.route === undefined ? targets : [resolveRoute(targets, request.route, stack.name)];
  const changes = planRollback(selection);
  const rolledBack = applyChanges(configured, changes);
  await deps.publishRoutingNow(stack, config, rolledBack);
  deps.print(
    `Routing at 0% FastAPI written to the ingress after ${secondsSince(deps, started)} s; checking the traffic...`,
  );
  const view = await loadStackView(stack, config);
  const live = new Map(view.deployed ? routeTargets(view.deployed).map((target) => [target.id, target.weight]) : []);
  // The config may already say 0 while a higher weight is still deployed (a change never applied): update anyway.
  const stillOnFastapi = selection.some((target) => (live.get(target.id) ?? target.weight) > 0);
  const expectations = selection.map((target) => ({ routeId: target.id, weight: 0 }));
  if (changes.length === 0 && !stillOnFastapi) {
    deps.print(
      `Nothing to roll back on stack ${stack.name}: ${selection.map((target) => target.id).join(", ")} already at 0% FastAPI.`,
    );
    const verified = await verifyTraffic(deps, view.ingressUrl, rolledBack, expectations);
    return verified ? EXIT.ok : EXIT.failed;
  }
  const verified = await verifyTraffic(deps, view.ingressUrl, rolledBack, expectations);
  deps.print(
    `Traffic back on Flask after ${secondsSince(deps, started)} s; now recording the rollback in stack ${stack.name} (pulumi up).`,
  );
  const message = formatUpdateMessage({
    action: "rollback",
    by: deps.currentUser(),
    changes: changes.length > 0 ? describeChanges(changes) : "deploying the configured 0% weights",
    forced: [],
    reason: request.reason,
  });
  await deployWeights(deps, stack, changes, message);
  deps.print(`Rollback recorded after ${secondsSince(deps, started)} s end to end.`);
  return verified ? EXIT.ok : EXIT.failed;
}
