import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { CLIENT_CPU } from "./cpuPlacement";
import { median } from "./median";

export interface WrkFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Socket errors (connect, read, write, timeout) and responses with a status of 400 or more. */
  readonly failed: number;
}

export interface WrkRun {
  readonly url: string;
  readonly threads: number;
  readonly connections: number;
  readonly seconds: number;
  /** A wrk Lua script that prints wrkSummary.lua's JSON line; wrkSummary.lua itself (one fixed request) when absent. */
  readonly script?: string;
  /** What the script's `init(args)` receives. */
  readonly scriptArgs?: readonly string[];
  /** A response slower than this counts as a timeout error rather than a latency; wrk's own 2 s when absent. */
  readonly timeoutSeconds?: number;
}

export const WRK_SUMMARY_SCRIPT = join(__dirname, "wrkSummary.lua");

/** One closed-loop wrk run on the client's core; its figures from the script's JSON summary line. */
export function wrk(run: WrkRun): WrkFigures {
  const args = [
    "-c",
    CLIENT_CPU,
    "wrk",
    `-t${run.threads}`,
    `-c${run.connections}`,
    `-d${run.seconds}s`,
    ...(run.timeoutSeconds === undefined ? [] : [`--timeout`, `${run.timeoutSeconds}s`]),
    "-s",
    run.script ?? WRK_SUMMARY_SCRIPT,
    run.url,
    ...(run.scriptArgs ? ["--", ...run.scriptArgs] : []),
  ];
  const output = execFileSync("taskset", args, { encoding: "utf8" });
  const summary = JSON.parse(output.trim().split("\n").at(-1)!);
  return {
    requestsPerSecond: summary.requests / (summary.durationUs / 1e6),
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    failed: summary.socketErrors + summary.non2xx,
  };
}

/** Each figure's median over the runs (an odd number of them), and every failed request of every run. */
export const medianFigures = (runs: readonly WrkFigures[]): WrkFigures => ({
  requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
  p50Ms: median(runs.map((run) => run.p50Ms)),
  p99Ms: median(runs.map((run) => run.p99Ms)),
  failed: runs.reduce((sum, run) => sum + run.failed, 0),
});

/** `p50/p99` in milliseconds, for the printed tables. */
export const latencyPair = (figures: WrkFigures) => `${figures.p50Ms.toFixed(2)}/${figures.p99Ms.toFixed(2)}`;
