import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CommandError,
  ConcurrentUpdateError,
  LocalWorkspace,
  Stack,
  StackNotFoundError,
} from "@pulumi/pulumi/automation";
import { dump, load } from "js-yaml";
import { configKey } from "../infra/config/issues";
import type { WeightChange } from "../infra/cutover/nextStep";
import { withWeights, type StackFileDocument } from "../infra/cutover/stackFileWeights";
import type { UpdateRecord } from "../infra/cutover/stepHistory";
import { CliError, EXIT, PULUMI_NOT_ON_PATH, pulumiSaid, stackLocked } from "./cliError";
import type { MigrationStack } from "./ports";
import { runPulumi } from "./pulumiCommand";

/** Pulumi's stderr inside an Automation API CommandError. */
const stderrOf = (error: CommandError) => /\n stderr: ([\s\S]*?)\n err\?: /.exec(error.message)?.[1] ?? error.message;

/** Automation API failures as messages that say what happened and what to do. */
export function describeAutomationError(error: unknown, stackName: string, operation: string): Error {
  if (error instanceof ConcurrentUpdateError) return stackLocked(stackName);
  if (error instanceof CommandError) {
    if (/spawn pulumi ENOENT/.test(error.message)) {
      return new CliError(PULUMI_NOT_ON_PATH);
    }
    return new CliError(`pulumi ${operation} failed on stack ${stackName}:\n${pulumiSaid(stderrOf(error))}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

async function unknownStack(workspace: LocalWorkspace, stackName: string): Promise<CliError> {
  const [who, stacks] = await Promise.all([
    workspace.whoAmI().catch(() => undefined),
    workspace.listStacks().catch(() => []),
  ]);
  const backend = who?.url ?? process.env.PULUMI_BACKEND_URL ?? "the current Pulumi backend";
  const known =
    stacks.length > 0
      ? `; stacks there: ${stacks.map((stack) => stack.name).join(", ")}`
      : "; it has no stacks of this project";
  return new CliError(`unknown stack "${stackName}" in backend ${backend}${known}`, EXIT.invalidInput);
}

/** `org/project/dev` and `dev` share the stack file `Pulumi.dev.yaml`. */
function stackFileName(stackName: string): string {
  return `Pulumi.${stackName.split("/").pop()}.yaml`;
}

/** Selects a stack of the project in `workDir` (the repository root) through the Automation API. */
export async function openAutomationStack(
  stackName: string,
  workDir: string,
  envVars: Record<string, string>,
): Promise<MigrationStack> {
  let workspace: LocalWorkspace;
  let stack: Stack;
  try {
    workspace = await LocalWorkspace.create({ workDir, envVars });
  } catch (error) {
    throw describeAutomationError(error, stackName, "version");
  }
  try {
    stack = await Stack.select(stackName, workspace);
  } catch (error) {
    throw error instanceof StackNotFoundError
      ? await unknownStack(workspace, stackName)
      : describeAutomationError(error, stackName, "stack select");
  }
  const namespace = (await workspace.projectSettings()).name;
  const run = async <T>(operation: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      throw describeAutomationError(error, stackName, operation);
    }
  };

  return {
    name: stackName,
    namespace,
    configValues: () =>
      run("config", async () =>
        Object.fromEntries(Object.entries(await stack.getAllConfig()).map(([key, { value }]) => [key, value])),
      ),
    outputs: () =>
      run("stack output", async () =>
        Object.fromEntries(Object.entries(await stack.outputs()).map(([key, { value }]) => [key, value])),
      ),
    history: () =>
      run("stack history", async () =>
        // Without secrets: the weights are plain, and the history then needs no passphrase.
        (await stack.history(undefined, undefined, false)).map((update): UpdateRecord => ({
          version: update.version,
          kind: update.kind,
          result: update.result,
          startTime: update.startTime,
          endTime: update.endTime,
          message: update.message ?? "",
          environment: update.environment ?? {},
          config: Object.fromEntries(
            Object.entries(update.config ?? {}).flatMap(([key, { value }]) =>
              value === undefined ? [] : [[key, value]],
            ),
          ),
        })),
      ),
    setWeights: (weights) =>
      run("config set", () =>
        // One `config set-all --path` for every weight, so that they change together and quickly.
        stack.setAllConfig(
          Object.fromEntries(
            weights.map(({ configPath, weight }) => [configKey(namespace, configPath), { value: String(weight) }]),
          ),
          true,
        ),
      ),
    up: (message, onOutput) =>
      runPulumi(["up", "--yes", "--skip-preview", "--message", message], { workDir, stackName, envVars, onOutput }),
    preview: (changes: readonly WeightChange[], onOutput) =>
      run("preview", async () => {
        const edited = withWeights(
          load(readFileSync(join(workDir, stackFileName(stackName)), "utf8")) as StackFileDocument,
          namespace,
          changes,
        );
        const directory = mkdtempSync(join(tmpdir(), "cutover-preview-"));
        try {
          const configFile = join(directory, stackFileName(stackName));
          writeFileSync(configFile, dump(edited));
          await stack.preview({ configFile, onOutput });
        } finally {
          rmSync(directory, { recursive: true, force: true });
        }
      }),
  };
}
