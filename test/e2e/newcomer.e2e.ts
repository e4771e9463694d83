import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStreaming } from "../../cli/streamingProcess";
import { REPO_ROOT } from "../support/stackConfig";
import { readmeCommand, readmeNewShellBlock } from "./readmeBlocks";

/**
 * The README as a newcomer follows it, on the dev stage: the quick start's `npm run up`, then the cutover block in a
 * new shell with a clean environment (no PATH entry, backend or passphrase from this process), verbatim, then
 * `npm run down`. It runs on a copy of the work tree with a HOME of its own, so neither the work tree's stack files
 * nor a developer's own backend are touched; the dev stage's ports (ingress 8080, Prometheus 9090, VictoriaLogs 9428) must be
 * free, as they are on a fresh machine.
 */
const DEV_PORTS = [8080, 9090, 9428];
/** A new login shell's environment: nothing the test runner or npm put there. */
const cleanEnvironment = (home: string): NodeJS.ProcessEnv => ({
  HOME: home,
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  LANG: "C.UTF-8",
  TERM: "dumb",
});

let sandbox = "";
let workTree = "";
let home = "";
let deployed = false;

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/**
 * The files git would hand a new user (tracked, plus new ones not ignored), copied; node_modules shared by a link.
 * Timestamps are kept: a lockfile newer than node_modules would make `npm run up` reinstall, through the link, into
 * the work tree's own node_modules.
 */
function copyWorkTree(destination: string): void {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    mkdirSync(dirname(join(destination, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(destination, file), { preserveTimestamps: true });
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(destination, "node_modules"));
}

/** Runs a README command line or block in bash, in the copy, with the clean environment; its output is shown. */
async function inNewShell(label: string, script: string) {
  const run = await runStreaming("bash", ["-e", "-c", script], {
    cwd: workTree,
    baseEnv: cleanEnvironment(home),
    onOutput: (text) => {
      for (const line of text.split("\n")) if (line.trim()) process.stdout.write(`    newcomer ${label} | ${line}\n`);
    },
  });
  return { code: run.code, output: run.output };
}

describe("the README, followed by a newcomer", () => {
  beforeAll(async () => {
    const busy = [];
    for (const port of DEV_PORTS) if (await portInUse(port)) busy.push(port);
    if (busy.length > 0) {
      throw new Error(
        `ports ${busy.join(", ")} are in use: the README's quick start deploys the dev stage there (your own dev stack? \`npm run down\` removes it)`,
      );
    }
    sandbox = mkdtempSync(join(tmpdir(), "migration-newcomer-"));
    workTree = join(sandbox, "project");
    home = join(sandbox, "home");
    mkdirSync(home);
    copyWorkTree(workTree);
  });

  afterAll(async () => {
    if (deployed) await inNewShell("cleanup", "npm run down");
    if (sandbox) rmSync(sandbox, { recursive: true, force: true });
  });

  it("brings the dev stack up with the quick start's command", async () => {
    const quickStart = readmeCommand(readFileSync(join(REPO_ROOT, "README.md"), "utf8"), "npm run up");
    deployed = true;
    const up = await inNewShell("up", quickStart);
    expect(up.code, up.output.slice(-2000)).toBe(0);
  });

  it("runs the README's cutover block verbatim in a new shell: the weight moves and the cutover command sees it", async () => {
    const block = readmeNewShellBlock(readFileSync(join(REPO_ROOT, "README.md"), "utf8"));
    const run = await inNewShell("cutover", block.script);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    // `pulumi up` changed the routing and the weight rules only, and the cutover command's status shows the new weight.
    expect(run.output).toMatch(/~ 2 updated/);
    expect(run.output).toMatch(new RegExp(`default\\s+every other path \\(defaultWeight\\)\\s+${block.weight}%`));
  });

  it("removes it all with npm run down", async () => {
    const down = await inNewShell("down", "npm run down");
    expect(down.code, down.output.slice(-2000)).toBe(0);
    deployed = false;
    for (const port of DEV_PORTS) expect(await portInUse(port), `port ${port} after npm run down`).toBe(false);
  });
});
