import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { EXIT } from "../../cli/cliError";
import { runStreaming } from "../../cli/streamingProcess";
import { E2E_INGRESS_PORT, E2EStacks } from "../e2e/e2eStacks";
import { failedGates, gateOutcomes } from "../e2e/gateOutcomes";
import { SteadyLoad } from "../e2e/steadyLoad";
import { REPO_ROOT } from "../support/stackConfig";
import type { SectionOutcome } from "./benchSection";
import {
  CONTROL_PLANE_BARS,
  CONTROL_PLANE_OPERATIONS,
  judgeControlPlane,
  type ControlPlaneOperation,
} from "./controlPlaneFigures";

/**
 * The control-plane section of `npm run bench`: how long a user waits for each cutover operation on a dev-stage stack
 * (`bench-control-plane`, the dev stage's config with the e2e's short gate window) under steady load, each timed as
 * the user types it, in ROUNDS rounds of: rollback, a weight step, status, a preview refusing a bad value, and a gated
 * advance, under light steady load. Medians of the rounds are judged against CONTROL_PLANE_BARS.
 */
const ROUNDS = 5;
const STACK = "bench-control-plane";
/**
 * The weight step goes from 0 (after the rollback) to the dev schedule's middle step, and the gated advance from there
 * to 100: at 50% both backends serve enough of the light load for the gates to judge within the window.
 */
const FIRST_STEP = 50;
/**
 * Light traffic: enough for the gates (100 requests per backend within the 1-minute window) and to see when a rollback
 * takes effect, not so much that the load itself slows the commands being timed.
 */
const LOAD = { ratePerSecond: 30, connections: 4 };
/** The e2e's gates (E2E_GATES): a 30 s bake, and 100 requests per backend within the window. */
const GATES_READY_MS = 40_000;
/**
 * A refusal by the gates is the product working, not a bench failure: on these shared 2 cores the latency gate now and
 * then sees FastAPI's p99 above Flask's over a one-minute window (the weight step's two program runs fall in it). A
 * refused advance changes nothing; it is counted and tried again once the window has moved on, and a round whose
 * every attempt was refused has no gated advance to time (the other rounds' still make the median).
 */
const ADVANCE_ATTEMPTS = 4;
const ADVANCE_RETRY_MS = 20_000;

interface TimedRun {
  readonly seconds: number;
  readonly startedAt: number;
  readonly code: number | null;
  readonly output: string;
}

/** A command line run in bash from the project root, as a user types it in the project's shell. */
async function timedShell(commandLine: string): Promise<TimedRun> {
  const startedAt = Date.now();
  const run = await runStreaming("bash", ["-c", commandLine], { cwd: REPO_ROOT, onOutput: () => {} });
  return { seconds: (Date.now() - startedAt) / 1000, startedAt, ...run };
}

function mustSucceed(what: string, run: TimedRun): TimedRun {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}):\n${run.output.slice(-3000)}`);
  return run;
}

/** Seconds from `startedAt` to the last FastAPI response the load saw after it (0 when none came). */
function secondsUntilFlaskOnly(load: SteadyLoad, startedAt: number): number {
  const lastFastapi = load.responses
    .filter((response) => response.at >= startedAt && response.backend === "fastapi")
    .reduce((last, response) => Math.max(last, response.at), startedAt);
  return (lastFastapi - startedAt) / 1000;
}

async function seedUsers(baseUrl: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let index = 0; index < count; index++) {
    const response = await fetch(`${baseUrl}/api/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: `control-plane-${Date.now()}-${index}@bench.test`, name: "Bench" }),
    });
    if (response.status !== 201) throw new Error(`could not seed a user: ${response.status} ${await response.text()}`);
    ids.push(((await response.json()) as { id: number }).id);
  }
  return ids;
}

const cutover = (args: string) => `npm run --silent cutover -- ${args} --stack ${STACK}`;
const weightStep = (weight: number) =>
  `pulumi config set migration:defaultWeight ${weight} --stack ${STACK} && pulumi up --yes --stack ${STACK}`;

/** The gated advance, retried while the gates refuse it; its time is the accepted attempt's, if one was accepted. */
async function gatedAdvance(): Promise<{ run?: TimedRun; refusals: string[] }> {
  const refusals: string[] = [];
  for (let attempt = 1; attempt <= ADVANCE_ATTEMPTS; attempt++) {
    if (attempt > 1) await sleep(ADVANCE_RETRY_MS);
    const run = await timedShell(cutover('advance --route default --reason "bench: gated advance"'));
    if (run.code !== EXIT.refused) return { run: mustSucceed("gated advance", run), refusals };
    // The verdict's own sentence, and each gate that failed: "latencyP99 fail: FastAPI p99 235 ms exceeds ...".
    const verdict = run.output.split("\n").find((line) => line.startsWith("Refused:")) ?? "refused";
    const gates = gateOutcomes(run.output);
    refusals.push(
      `${run.seconds.toFixed(1)} s: ${[verdict, ...failedGates(gates).map((gate) => `${gate} ${gates[gate]}`)].join(" ")}`,
    );
  }
  return { refusals };
}

interface RoundOutcome {
  /** Every operation's time, but the gated advance's when the gates refused every attempt of the round. */
  readonly seconds: Partial<Record<ControlPlaneOperation, number>>;
  readonly refusedAdvances: readonly string[];
}

async function oneRound(load: SteadyLoad, round: number): Promise<RoundOutcome> {
  const rollback = mustSucceed("rollback", await timedShell(cutover('rollback --reason "bench: rollback"')));
  // The load's responses arrive a moment after the command returns: let the last in-flight ones land.
  await sleep(1000);
  const rollbackTrafficOnFlask = secondsUntilFlaskOnly(load, rollback.startedAt);
  const step = mustSucceed("weight step", await timedShell(weightStep(FIRST_STEP)));
  const status = mustSucceed("status", await timedShell(cutover("status")));
  // The user's edit, untimed; then the preview that must refuse it, timed; then the edit undone.
  const setDefaultWeight = (value: string) =>
    execFileSync("pulumi", ["config", "set", "migration:defaultWeight", value, "--stack", STACK], { cwd: REPO_ROOT });
  setDefaultWeight("150");
  const preview = await timedShell(`pulumi preview --stack ${STACK}`);
  setDefaultWeight(String(FIRST_STEP));
  if (preview.code === 0 || !preview.output.includes("migration:defaultWeight"))
    throw new Error(`pulumi preview did not refuse defaultWeight 150 by name:\n${preview.output.slice(-2000)}`);
  await sleep(Math.max(0, GATES_READY_MS - (Date.now() - step.startedAt - step.seconds * 1000)));
  const { run: advance, refusals } = await gatedAdvance();
  const seconds = {
    rollbackTrafficOnFlask,
    weightStep: step.seconds,
    status: status.seconds,
    gatedAdvance: advance?.seconds,
    previewRefusingBadValue: preview.seconds,
  };
  console.log(
    `  round ${round}/${ROUNDS}: ` +
      CONTROL_PLANE_OPERATIONS.map((operation) => `${operation} ${seconds[operation]?.toFixed(1) ?? "-"} s`).join(
        ", ",
      ) +
      ` (rollback command ${rollback.seconds.toFixed(1)} s)`,
  );
  for (const refusal of refusals) console.log(`    advance refused by the gates first (${refusal})`);
  return { seconds, refusedAdvances: refusals };
}

export async function benchControlPlane(): Promise<SectionOutcome> {
  const stacks = await E2EStacks.fresh("traefik", STACK);
  let load: SteadyLoad | undefined;
  try {
    await stacks.upPlatform();
    await stacks.upLegacy();
    const baseUrl = `http://127.0.0.1:${E2E_INGRESS_PORT}`;
    load = new SteadyLoad(baseUrl, await seedUsers(baseUrl, 5), LOAD.ratePerSecond, LOAD.connections);
    const runs = Object.fromEntries(CONTROL_PLANE_OPERATIONS.map((operation) => [operation, [] as number[]])) as Record<
      ControlPlaneOperation,
      number[]
    >;
    const refusedAdvances: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const outcome = await oneRound(load, round);
      for (const operation of CONTROL_PLANE_OPERATIONS) {
        const seconds = outcome.seconds[operation];
        if (seconds !== undefined) runs[operation].push(seconds);
      }
      refusedAdvances.push(...outcome.refusedAdvances.map((refusal) => `round ${round}: ${refusal}`));
    }
    const figures = judgeControlPlane(runs);
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    const table = [
      "operation                  median s  bar s  verdict  runs (s)",
      ...CONTROL_PLANE_OPERATIONS.map((operation) => {
        const { medianSeconds, barSeconds, verdict, seconds } = figures[operation];
        return [
          operation.padEnd(26),
          medianSeconds.toFixed(1).padStart(8),
          String(barSeconds).padStart(6),
          verdict.padStart(8),
          ` ${seconds.map((value) => value.toFixed(1)).join(", ")}`,
        ].join(" ");
      }),
    ];
    const missed = CONTROL_PLANE_OPERATIONS.filter((operation) => figures[operation].verdict === "miss").map(
      (operation) =>
        `${operation}: median ${figures[operation].medianSeconds.toFixed(1)} s > ${CONTROL_PLANE_BARS[operation]} s`,
    );
    if (refusedAdvances.length > 0)
      table.push(`gated advances refused by the gates and retried: ${refusedAdvances.length}`);
    return { report: { commit, rounds: ROUNDS, figures, refusedAdvances }, table, missed };
  } finally {
    await load?.stop();
    await stacks.tearDown();
  }
}
