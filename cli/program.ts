import { Command, CommanderError } from "commander";
import { parseAdvanceRequest, type AdvanceRequest } from "../infra/cutover/advanceRequest";
import { CutoverInputError } from "../infra/cutover/inputError";
import { CliError, EXIT } from "./cliError";

/** The commands, each resolving to an exit code; main.ts binds them to the real stack, Prometheus and ingress. */
export interface Commands {
  status(options: { readonly stack: string; readonly json: boolean }): Promise<number>;
  advance(request: AdvanceRequest): Promise<number>;
  rollback(request: { readonly stack: string; readonly route?: string; readonly reason?: string }): Promise<number>;
  report(options: { readonly stack: string; readonly json: boolean }): Promise<number>;
  smoke(options: { readonly stack: string; readonly url?: string }): Promise<number>;
  canDecommission(options: { readonly stack: string; readonly json: boolean }): Promise<number>;
}

export interface Terminal {
  out(text: string): void;
  err(text: string): void;
}

const ROUTE_HELP =
  "a route's path as in config (e.g. /api/users) or its id (e.g. api-users-get-head, default for every other path)";

const EPILOGUE = `
Exit codes: 0 done, 1 failed (including a split not observed in time, or a failed smoke check), 2 invalid input,
3 refused (by the gates, or can-decommission's no).
Works on the Pulumi project at the repository root; needs the pulumi CLI on PATH. The backend and passphrase
default as for npm run up (file://~/.pulumi-migration-state, "migration-dev") unless PULUMI_BACKEND_URL and
PULUMI_CONFIG_PASSPHRASE are set.`;

function buildProgram(commands: Commands, terminal: Terminal, setExitCode: (code: number) => void): Command {
  const program = new Command("cutover")
    .description(
      "Guided Flask → FastAPI cutover of a platform stack: status, gated advance, rollback, report, smoke tests.",
    )
    .exitOverride()
    .configureOutput({ writeOut: terminal.out, writeErr: terminal.err })
    .showHelpAfterError()
    .addHelpText("after", EPILOGUE);
  const stackOption = ["-s, --stack <stack>", "the platform stack, e.g. dev"] as const;

  program
    .command("status")
    .description(
      "per route: configured weight, observed FastAPI share, requests/s, 5xx ratio and p99 of Flask and FastAPI, time since the last step; overall progress",
    )
    .requiredOption(...stackOption)
    .option("--json", "machine-readable output")
    .action(async (options: { stack: string; json?: boolean }) =>
      setExitCode(await commands.status({ stack: options.stack, json: Boolean(options.json) })),
    );

  program
    .command("advance")
    .description(
      "move to the next step of the stage's schedule (or --to N) when every gate passes: enough requests, FastAPI's 5xx ratio and p99 against Flask's, bake time, maxStep",
    )
    .requiredOption(...stackOption)
    .option("-r, --route <route>", `only this route: ${ROUTE_HELP}; all routes when absent`)
    .option("--to <N>", "the FastAPI weight to move to, 0..100, instead of the schedule's next step")
    .option("--dry-run", "judge the gates and show pulumi's preview; change nothing")
    .option("--force", "override the gates that did not pass (not maxStep); needs --reason")
    .option("--reason <text>", "why; recorded in the stack's update history")
    .action(
      async (options: {
        stack: string;
        route?: string;
        to?: string;
        dryRun?: boolean;
        force?: boolean;
        reason?: string;
      }) => setExitCode(await commands.advance(parseAdvanceRequest(options))),
    );

  program
    .command("rollback")
    .description("FastAPI weight to 0 now, for every route or one, with no gate; then confirm Flask serves the traffic")
    .requiredOption(...stackOption)
    .option("-r, --route <route>", `only this route: ${ROUTE_HELP}; all routes when absent`)
    .option("--reason <text>", "why; recorded in the stack's update history")
    .action(async (options: { stack: string; route?: string; reason?: string }) =>
      setExitCode(
        await commands.rollback({
          stack: options.stack,
          route: options.route,
          reason: options.reason?.trim() || undefined,
        }),
      ),
    );

  program
    .command("report")
    .description(
      "the migration report in Markdown: endpoints and their state, figures, the gates for the next step, every step with who, when and why",
    )
    .requiredOption(...stackOption)
    .option("--json", "the same report as JSON")
    .action(async (options: { stack: string; json?: boolean }) =>
      setExitCode(await commands.report({ stack: options.stack, json: Boolean(options.json) })),
    );

  program
    .command("smoke")
    .description(
      "smoke tests through the ingress, each backend forced by the override header: both healthy, a user written through one app read back and deleted through the other, both ways; Flask's checks are skipped once it is no longer routed",
    )
    .requiredOption(...stackOption)
    .option("--url <url>", "the ingress to test, e.g. through a port-forward, instead of the stack's ingressUrl output")
    .action(async (options: { stack: string; url?: string }) =>
      setExitCode(await commands.smoke({ stack: options.stack, url: options.url })),
    );

  program
    .command("can-decommission")
    .description(
      "whether the legacy Flask stack may be destroyed now: no route sends Flask traffic, and none has for the platform's backupWindow (read from its update history); the legacy stack's destroy runs this check",
    )
    .requiredOption(...stackOption)
    .option("--json", "machine-readable output")
    .action(async (options: { stack: string; json?: boolean }) =>
      setExitCode(await commands.canDecommission({ stack: options.stack, json: Boolean(options.json) })),
    );

  return program;
}

/** Parses `argv` (without node and script), runs the command and returns the exit code; errors are printed, not thrown. */
export async function runCli(argv: readonly string[], commands: Commands, terminal: Terminal): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(commands, terminal, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the problem (or the help) already.
      return error.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    }
    if (error instanceof CutoverInputError) {
      terminal.err(`error: ${error.message}\n`);
      return EXIT.invalidInput;
    }
    if (error instanceof CliError) {
      terminal.err(`error: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
