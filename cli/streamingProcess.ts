import { spawn } from "node:child_process";

export interface StreamingRun {
  readonly cwd: string;
  /** The environment to start from: this process's by default. */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /** Added to the base environment. */
  readonly envVars?: Record<string, string>;
  /** Everything the process writes (stdout and stderr), as it comes. */
  readonly onOutput: (text: string) => void;
}

/** Runs a command, passing its output on as it comes; resolves with its exit code and the whole output. */
export function runStreaming(
  command: string,
  args: readonly string[],
  run: StreamingRun,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: run.cwd,
      env: { ...(run.baseEnv ?? process.env), ...run.envVars },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      run.onOutput(chunk.toString());
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
