import { configKey } from "../../infra/config/issues";
import type { WeightChange } from "../../infra/cutover/nextStep";
import { CliError } from "../cliError";
import type { CutoverDeps, MigrationStack } from "../ports";

/**
 * Sets the weights and runs `pulumi up` (with no changes, it deploys what is configured: a rollback whose 0% was
 * configured but never applied). When the update fails (a concurrent update, the program refusing the config) the
 * previous weights are written back, so the stack file does not claim a step that did not happen.
 */
export async function deployWeights(
  deps: CutoverDeps,
  stack: MigrationStack,
  changes: readonly WeightChange[],
  message: string,
): Promise<void> {
  for (const change of changes)
    deps.print(`${configKey(stack.namespace, change.target.configPath)}: ${change.from} → ${change.to}`);
  if (changes.length > 0)
    await stack.setWeights(changes.map((change) => ({ configPath: change.target.configPath, weight: change.to })));
  deps.print(`pulumi up on stack ${stack.name} (message: ${message})`);
  try {
    await stack.up(message, deps.progress);
  } catch (error) {
    if (changes.length === 0) throw error;
    const restored = await stack
      .setWeights(changes.map((change) => ({ configPath: change.target.configPath, weight: change.from })))
      .then(() => "the stack's config was set back to the weights before")
      .catch(
        (restoreError: Error) =>
          `setting the weights back failed as well, check the stack file: ${restoreError.message}`,
      );
    throw new CliError(`${(error as Error).message}\nThe update did not complete; ${restored}.`);
  }
}
