import { CliError, PULUMI_NOT_ON_PATH, pulumiSaid, stackLocked } from "./cliError";
import { runStreaming } from "./streamingProcess";

/** How Pulumi says that another update holds the stack (the service's 409, or the file backend's lock). */
export const LOCKED = /currently locked|another update is currently in progress|\[409\] Conflict/i;

export interface PulumiRun {
  /** The project directory. */
  readonly workDir: string;
  readonly stackName: string;
  /** Added to this process's environment (backend, passphrase). */
  readonly envVars?: Record<string, string>;
  /** Progress, as Pulumi prints it. */
  readonly onOutput: (text: string) => void;
}

/**
 * `pulumi <args> --non-interactive --stack S`, run as the CLI itself. Used for the timed operations (up, destroy)
 * instead of the Automation API's, whose `up` also reads the stack's outputs and latest history entry afterwards:
 * three more CLI runs, seconds that a rollback cannot spare. A failure says what Pulumi said.
 */
export async function runPulumi(args: readonly string[], run: PulumiRun): Promise<void> {
  let result: { code: number | null; output: string };
  try {
    result = await runStreaming("pulumi", [...args, "--non-interactive", "--stack", run.stackName], {
      cwd: run.workDir,
      envVars: run.envVars,
      onOutput: run.onOutput,
    });
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === "ENOENT" ? new CliError(PULUMI_NOT_ON_PATH) : error;
  }
  if (result.code === 0) return;
  throw LOCKED.test(result.output)
    ? stackLocked(run.stackName)
    : new CliError(`pulumi ${args[0]} failed on stack ${run.stackName}:\n${pulumiSaid(result.output)}`);
}
