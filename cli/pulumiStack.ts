import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { dump, load } from "js-yaml";
import { configKey } from "../infra/config/issues";
import type { WeightChange } from "../infra/cutover/nextStep";
import { withWeights, type StackFileDocument } from "../infra/cutover/stackFileWeights";
import type { UpdateRecord } from "../infra/cutover/stepHistory";
import { CliError, EXIT, PULUMI_NOT_ON_PATH, pulumiSaid, stackLocked } from "./cliError";
import type { MigrationStack } from "./ports";
import { LOCKED, runPulumi } from "./pulumiCommand";

const execFileAsync = promisify(execFile);

/** How the CLI says a stack does not exist in the current backend. */
const NO_SUCH_STACK = /no stack named '[^']*' found/;

/** A failed `pulumi` run as a message that says what happened and what to do. */
export function describePulumiFailure(
  failure: { readonly code?: unknown; readonly stderr?: string },
  stackName: string,
  operation: string,
): CliError {
  if (failure.code === "ENOENT") return new CliError(PULUMI_NOT_ON_PATH);
  const said = failure.stderr ?? "";
  if (LOCKED.test(said)) return stackLocked(stackName);
  return new CliError(`pulumi ${operation} failed on stack ${stackName}:\n${pulumiSaid(said)}`);
}

/** `org/project/dev` and `dev` share the stack file `Pulumi.dev.yaml`. */
function stackFileName(stackName: string): string {
  return `Pulumi.${stackName.split("/").pop()}.yaml`;
}

/** A value as `pulumi config --json` gives it: strings as they are, anything else as JSON. */
const asConfigText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** True when a value holds an encrypted (`secure:`) part anywhere, which only the CLI can read. */
function holdsSecret(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if ("secure" in value) return true;
  return Object.values(value).some(holdsSecret);
}

/**
 * The stack's config straight from its stack file when the file holds everything in plain text, which spares a CLI
 * run and the passphrase's key derivation: undefined when the file is missing, holds a secret, or draws on an
 * environment (ESC), where only `pulumi config` knows the values.
 */
function plainStackFileConfig(path: string): Record<string, string> | undefined {
  if (!existsSync(path)) return undefined;
  const document = load(readFileSync(path, "utf8")) as StackFileDocument | undefined;
  if (!document || document.environment !== undefined) return undefined;
  const config = document.config ?? {};
  if (Object.values(config).some(holdsSecret)) return undefined;
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, asConfigText(value)]));
}

interface HistoryEntry {
  readonly version: number;
  readonly kind: string;
  readonly result: string;
  readonly startTime: string;
  readonly endTime?: string;
  readonly message?: string;
  readonly environment?: Record<string, string>;
  readonly config?: Record<string, { readonly value?: string }>;
}

/**
 * A stack of the project in `workDir` (the repository root), reached through the `pulumi` CLI itself. Not the
 * Automation API: importing it loads @pulumi/pulumi and npm's own libraries, over a second of every command's start,
 * and its reads add runs of their own (a version check, a stack selection, secrets shown whether needed or not).
 */
export function openPulumiStack(stackName: string, workDir: string, envVars: Record<string, string>): MigrationStack {
  const namespace = (load(readFileSync(join(workDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  const stackFile = join(workDir, stackFileName(stackName));
  const env = { ...process.env, ...envVars };

  const unknownStack = async (): Promise<CliError> => {
    const json = (args: string[]) =>
      execFileAsync("pulumi", [...args, "--json", "--non-interactive"], { cwd: workDir, env })
        .then(({ stdout }) => JSON.parse(stdout))
        .catch(() => undefined);
    const [who, stacks] = await Promise.all([json(["whoami"]), json(["stack", "ls"])]);
    const backend = who?.url ?? envVars.PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL ?? "the current backend";
    const names = ((stacks ?? []) as Array<{ name: string }>).map((stack) => stack.name);
    const known = names.length > 0 ? `; stacks there: ${names.join(", ")}` : "; it has no stacks of this project";
    return new CliError(`unknown stack "${stackName}" in backend ${backend}${known}`, EXIT.invalidInput);
  };

  /** `pulumi <args> --json --stack S`, parsed. */
  const pulumiJson = async <T>(operation: string, args: readonly string[]): Promise<T> => {
    try {
      const { stdout } = await execFileAsync("pulumi", [...args, "--json", "--non-interactive", "--stack", stackName], {
        cwd: workDir,
        env,
        maxBuffer: 64 * 1024 * 1024,
      });
      return JSON.parse(stdout) as T;
    } catch (error) {
      const failure = error as { code?: unknown; stderr?: string };
      if (NO_SUCH_STACK.test(failure.stderr ?? "")) throw await unknownStack();
      throw describePulumiFailure(failure, stackName, operation);
    }
  };

  return {
    name: stackName,
    namespace,
    configValues: async () =>
      plainStackFileConfig(stackFile) ??
      Object.fromEntries(
        Object.entries(await pulumiJson<Record<string, { value: string }>>("config", ["config", "--show-secrets"])).map(
          ([key, { value }]) => [key, value],
        ),
      ),
    // Without secrets: the commands read the migration map and URLs, never a secret output.
    outputs: () => pulumiJson<Record<string, unknown>>("stack output", ["stack", "output"]),
    history: async () =>
      (await pulumiJson<HistoryEntry[]>("stack history", ["stack", "history"])).map((update): UpdateRecord => ({
        version: update.version,
        kind: update.kind,
        result: update.result,
        startTime: new Date(update.startTime),
        endTime: update.endTime ? new Date(update.endTime) : undefined,
        message: update.message ?? "",
        environment: update.environment ?? {},
        config: Object.fromEntries(
          Object.entries(update.config ?? {}).flatMap(([key, { value }]) =>
            value === undefined ? [] : [[key, value]],
          ),
        ),
      })),
    setWeights: (weights) =>
      // One `config set-all --path` for every weight, so that they change together and quickly.
      runPulumi(
        [
          "config",
          "set-all",
          "--path",
          ...weights.flatMap(({ configPath, weight }) => [
            "--plaintext",
            `${configKey(namespace, configPath)}=${weight}`,
          ]),
        ],
        { workDir, stackName, envVars, onOutput: () => {} },
      ),
    up: (message, onOutput) =>
      runPulumi(["up", "--yes", "--skip-preview", "--message", message], { workDir, stackName, envVars, onOutput }),
    preview: async (changes: readonly WeightChange[], onOutput) => {
      const edited = withWeights(load(readFileSync(stackFile, "utf8")) as StackFileDocument, namespace, changes);
      const directory = mkdtempSync(join(tmpdir(), "cutover-preview-"));
      try {
        const configFile = join(directory, stackFileName(stackName));
        writeFileSync(configFile, dump(edited));
        await runPulumi(["preview", "--config-file", configFile], { workDir, stackName, envVars, onOutput });
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
