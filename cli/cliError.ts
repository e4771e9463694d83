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
