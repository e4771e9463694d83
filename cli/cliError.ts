/** Exit codes: scripts can tell "not now" (the gates refused) from "cannot" (bad input) and "broke". */
export const EXIT = { ok: 0, failed: 1, invalidInput: 2, refused: 3 } as const;

/** A failure the user can act on: printed as its message alone, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Another update holds the stack's lock. */
export const stackLocked = (stackName: string) =>
  new CliError(
    `an update is already running on stack ${stackName}; wait for it to finish (if it was interrupted, \`pulumi cancel --stack ${stackName}\` releases the lock), then run the command again`,
  );

export const PULUMI_NOT_ON_PATH =
  "the pulumi CLI is not on PATH: `source scripts/env.sh` (after `npm run up` built the project's toolchain), or install Pulumi";

/** The part of Pulumi's output worth showing: its `error:` lines, else its last lines. */
export function pulumiSaid(output: string): string {
  const lines = output
    .split("\n")
    .map((line) => line.trimEnd())
    .filter(Boolean);
  const errors = lines.filter((line) => /^\s*error:/.test(line));
  return (errors.length > 0 ? errors : lines.slice(-15)).join("\n");
}
