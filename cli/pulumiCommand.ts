import { spawn } from "node:child_process";
import { CliError, PULUMI_NOT_ON_PATH, pulumiSaid, stackLocked } from "./cliError";

/** How Pulumi says that another update holds the stack (the service's 409, or the file backend's lock). */
const LOCKED = /currently locked|another update is currently in progress|\[409\] Conflict/i;

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
export function runPulumi(args: readonly string[], run: PulumiRun): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, "--non-interactive", "--stack", run.stackName], {
      cwd: run.workDir,
      env: { ...process.env, ...run.envVars },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      run.onOutput(chunk.toString());
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (error: NodeJS.ErrnoException) => reject(error.code === "ENOENT" ? new CliError(PULUMI_NOT_ON_PATH) : error));
    child.on("close", (code) => {
      if (code === 0) return resolve();
      reject(LOCKED.test(output) ? stackLocked(run.stackName) : new CliError(`pulumi ${args[0]} failed on stack ${run.stackName}:\n${pulumiSaid(output)}`));
    });
  });
}
