import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./stackConfig";

const pinned = (file: string, pattern: RegExp) => pattern.exec(readFileSync(join(REPO_ROOT, file), "utf8"))![1];

/** The versions the build scripts pin: VictoriaLogs in its script, the collector in its manifest. */
export const LOG_PIPELINE_VERSIONS = {
  store: pinned("scripts/docker/build-victorialogs-binary.sh", /^readonly DEFAULT_VICTORIALOGS_VERSION=(\S+)$/m),
  collector: `v${pinned("images/log-collector/otelcol-builder.yaml", /^ {2}version: (\S+)$/m)}`,
};

export const LOG_PIPELINE_IMAGES = {
  store: `migration/victorialogs:${LOG_PIPELINE_VERSIONS.store}`,
  collector: `migration/log-collector:${LOG_PIPELINE_VERSIONS.collector}`,
};

const BUILD_SCRIPTS = {
  store: "scripts/docker/build-victorialogs-binary.sh",
  collector: "scripts/docker/build-log-collector-binary.sh",
} as const;

/**
 * The real program's path: its build script prints it, from the cache at once or after building it from the Go module
 * proxy (about 30 s for VictoriaLogs and 2 min for the collector, cold). A failed build fails the test that needs it:
 * these checks are never skipped.
 */
export function logPipelineBinary(program: keyof typeof BUILD_SCRIPTS): string {
  const result = spawnSync("bash", [join(REPO_ROOT, BUILD_SCRIPTS[program])], { encoding: "utf8", timeout: 600_000 });
  if (result.status !== 0) throw new Error(`${BUILD_SCRIPTS[program]} failed:\n${result.stderr}`);
  return result.stdout.trim().split("\n").pop()!;
}

/** One log line as VictoriaLogs returns it: the message, its time and every field, stream fields included. */
export interface LogRow {
  readonly _msg: string;
  readonly [field: string]: string;
}

/** The rows of a LogsQL query (`/select/logsql/query`, JSON lines), optionally within a time range. */
export async function queryLogStore(
  storeUrl: string,
  query: string,
  range: { readonly start?: Date; readonly end?: Date } = {},
): Promise<LogRow[]> {
  const body = new URLSearchParams({ query });
  if (range.start) body.set("start", range.start.toISOString());
  if (range.end) body.set("end", range.end.toISOString());
  const response = await fetch(new URL("/select/logsql/query", storeUrl), { method: "POST", body });
  if (!response.ok) throw new Error(`VictoriaLogs answered ${response.status} to ${query}: ${await response.text()}`);
  return (await response.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogRow);
}
