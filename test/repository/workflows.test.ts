import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";

// The GitHub Actions workflows are checked here, before they ever run: actionlint (with shellcheck on the `run:`
// scripts) for mistakes, zizmor for security problems, and a rule of this project's that every `run:` step calls the
// same npm scripts and scripts/ a developer runs, so that what CI does can be done, and debugged, on a laptop.

const root = resolve(__dirname, "../..");
const workflowsDir = join(root, ".github/workflows");
const zizmorConfig = join(root, ".github/zizmor.yml");
const fixtures = join(__dirname, "fixtures");

/**
 * The only installers a workflow may run in a `run:` step. `npm ci` installs exactly what package-lock.json pins;
 * anything else a job needs is installed by a script under scripts/ (as `npm test` does), where a developer runs the
 * same install, never by an ad-hoc `curl | sh`, `pip install` or `apt-get install` line that only CI knows about.
 */
const INSTALLERS = ["npm ci"];
/** What may run a script under scripts/ that is not executable itself. */
const INTERPRETERS = ["bash", "node"];

const workflowFiles = existsSync(workflowsDir)
  ? readdirSync(workflowsDir)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(workflowsDir, name))
  : [];

// --- the tools ---------------------------------------------------------------------------------------------------

const toolPaths = new Map<string, string>();

/**
 * The binary an ensure script keeps in the toolchain cache, at the path that script prints. `--cached-only` never
 * builds: a missing tool fails the test with the command that builds it (scripts/test.sh runs both ensure scripts).
 */
function tool(name: "actionlint" | "zizmor"): string {
  const cached = toolPaths.get(name);
  if (cached) return cached;
  const script = join(root, `scripts/toolchain/ensure-${name}.sh`);
  const ensure = spawnSync(script, ["--cached-only"], { encoding: "utf8" });
  if (ensure.status !== 0) {
    throw new Error(`${name} is missing. Run: scripts/toolchain/ensure-${name}.sh\n${ensure.stderr}`);
  }
  const path = ensure.stdout.trim();
  toolPaths.set(name, path);
  return path;
}

/** Debian's shellcheck, which actionlint runs on every `run:` script; without it that check would silently not run. */
function shellcheck(): string {
  const found = spawnSync("sh", ["-c", "command -v shellcheck"], { encoding: "utf8" });
  if (found.status !== 0) throw new Error("shellcheck is missing. Run: apt-get install shellcheck (npm test does)");
  return found.stdout.trim();
}

interface ActionlintError {
  message: string;
  filepath: string;
  line: number;
  column: number;
  kind: string;
}

/** actionlint's findings on FILES, with shellcheck on `run:` scripts (pyflakes off: no step runs Python). */
function actionlint(files: string[]): ActionlintError[] {
  const run = spawnSync(
    tool("actionlint"),
    ["-no-color", "-format", "{{json .}}", `-shellcheck=${shellcheck()}`, "-pyflakes=", ...files],
    { cwd: root, encoding: "utf8" },
  );
  // 0: no finding, 1: findings; anything else is actionlint failing to run.
  if (run.status !== 0 && run.status !== 1) throw new Error(`actionlint failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout || "[]") as ActionlintError[];
}

const formatActionlint = (e: ActionlintError) =>
  `${relative(root, resolve(root, e.filepath))}:${e.line}:${e.column}: ${e.message} [${e.kind}]`;

interface ZizmorFinding {
  ident: string;
  desc: string;
  determinations: { severity: string };
  locations: {
    symbolic: { kind: string; annotation: string; key: { Local?: { verbatim_path: string } } };
    concrete: { location: { start_point: { row: number; column: number } } };
  }[];
}

/**
 * zizmor's findings on FILES at its default persona, offline (no GitHub API), with this repository's configuration
 * (.github/zizmor.yml, the one place an audit may be turned off) or none.
 */
function zizmor(files: string[]): ZizmorFinding[] {
  const config = existsSync(zizmorConfig) ? ["--config", zizmorConfig] : ["--no-config"];
  const run = spawnSync(tool("zizmor"), ["--offline", "--format", "json", "--no-progress", ...config, ...files], {
    cwd: root,
    encoding: "utf8",
  });
  // 0: no finding, 10 to 14: findings (by their highest severity); anything else is zizmor failing to run.
  if (run.status === null || (run.status !== 0 && (run.status < 10 || run.status > 14))) {
    throw new Error(`zizmor failed (${run.status}): ${run.stderr}`);
  }
  return JSON.parse(run.stdout || "[]") as ZizmorFinding[];
}

function formatZizmor(finding: ZizmorFinding): string {
  const primary = finding.locations.find((l) => l.symbolic.kind === "Primary") ?? finding.locations[0];
  const file = relative(root, resolve(root, primary?.symbolic.key.Local?.verbatim_path ?? "?"));
  const { row, column } = primary?.concrete.location.start_point ?? { row: -1, column: -1 };
  return `${file}:${row + 1}:${column + 1}: ${finding.ident}: ${finding.desc} (${primary?.symbolic.annotation}) [${finding.determinations.severity}]`;
}

// --- zizmor's configuration: every audit it turns off or relaxes says why -------------------------------------------

/**
 * The audits under `rules:` of a zizmor configuration that carry no reason: a comment of a few words on the lines
 * just above the audit's key, on its key's line or inside its block.
 */
function auditsWithoutReason(text: string): string[] {
  const config = (load(text) ?? {}) as { rules?: Record<string, unknown> };
  const lines = text.split("\n");
  const indent = (line: string) => line.length - line.trimStart().length;
  const comment = (line: string) => /(?:^|\s)#\s*(.*)$/.exec(line)?.[1]?.trim() ?? "";
  const rulesLine = lines.findIndex((line) => /^rules\s*:/.test(line));
  return Object.keys(config.rules ?? {}).filter((audit) => {
    const key = new RegExp(`^\\s+["']?${audit.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*:`);
    const at = lines.findIndex((line, i) => i > rulesLine && key.test(line));
    if (at < 0) return true;
    const comments = [comment(lines[at])];
    for (let i = at - 1; i > rulesLine && lines[i].trim().startsWith("#"); i--) comments.push(comment(lines[i]));
    for (let i = at + 1; i < lines.length && (lines[i].trim() === "" || indent(lines[i]) > indent(lines[at])); i++) {
      comments.push(comment(lines[i]));
    }
    return !comments.some((reason) => reason.split(/\s+/).length >= 3);
  });
}

// --- the run-step rule ---------------------------------------------------------------------------------------------

/**
 * The words of one shell line, or why it is more than one plain command: pipes, lists, redirections, substitutions
 * and continued lines hide a second command (or a script only CI knows) in a line. `${{ }}` expressions are zizmor's
 * and actionlint's to judge, and are taken as plain words here.
 */
function shellWords(line: string): { words: string[]; problem?: string } {
  const text = line.replace(/\$\{\{.*?\}\}/g, "EXPR");
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (c === "`" || (c === "$" && text[i + 1] === "(")) return { words, problem: "a command substitution" };
    if (c === "\\") {
      if (i === text.length - 1) return { words, problem: "a line continued on the next one" };
      word = (word ?? "") + text[++i];
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if ("|&;<>()".includes(c)) {
      return { words, problem: `the shell operator "${c}": one command per line` };
    } else if (c === "#" && word === undefined) {
      break;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) return { words, problem: "an unterminated quote" };
  if (word !== undefined) words.push(word);
  return { words };
}

/** Why one line of a `run:` step breaks the rule, or undefined when it is a command the rule allows. */
function runLineProblem(line: string, npmScripts: Set<string>, cwd: string): string | undefined {
  const { words, problem } = shellWords(line);
  if (problem) return problem;
  const installer = INSTALLERS.map((command) => command.split(" ")).find((command) =>
    command.every((word, i) => words[i] === word),
  );
  if (installer && words.slice(installer.length).every((word) => word.startsWith("-"))) return undefined;
  if (words[0] === "npm" && words[1] === "test") return undefined;
  if (words[0] === "npm" && words[1] === "run") {
    return npmScripts.has(words[2] ?? "") ? undefined : `"${words[2] ?? ""}" is not a script in package.json`;
  }
  const viaInterpreter = INTERPRETERS.includes(words[0]);
  const script = viaInterpreter ? words[1] : words[0];
  if (script !== undefined && /^(\.\/)?scripts\//.test(script)) {
    const path = resolve(cwd, script);
    if (relative(join(root, "scripts"), path).startsWith("..")) return `${script} is not under scripts/`;
    if (!existsSync(path) || !statSync(path).isFile()) return `${script} does not exist`;
    if (!viaInterpreter && (statSync(path).mode & 0o111) === 0) return `${script} is not executable`;
    return undefined;
  }
  return `runs neither an npm script, ${INSTALLERS.join(", ")}, nor a script under scripts/`;
}

/** The names of package.json's scripts, which `npm run` may call. */
function packageScripts(): Set<string> {
  return new Set(Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts ?? {}));
}

interface Step {
  name?: string;
  run?: unknown;
  "working-directory"?: string;
}

/** Every line of a `run:` step in the workflow at FILE that breaks the rule, with where it is. */
function runStepProblems(file: string): string[] {
  const npmScripts = packageScripts();
  type Defaults = { defaults?: { run?: { "working-directory"?: string } } };
  const workflow = (load(readFileSync(file, "utf8")) ?? {}) as Defaults & {
    jobs?: Record<string, Defaults & { steps?: Step[] }>;
  };
  const problems: string[] = [];
  for (const [job, { steps = [], defaults }] of Object.entries(workflow.jobs ?? {})) {
    steps.forEach((step, index) => {
      if (step.run === undefined) return;
      // Where the step's scripts are found: its own working directory, else the job's or the workflow's default.
      const dir =
        step["working-directory"] ??
        defaults?.run?.["working-directory"] ??
        workflow.defaults?.run?.["working-directory"];
      const cwd = resolve(root, dir ?? ".");
      for (const line of String(step.run).split("\n")) {
        if (line.trim() === "" || line.trim().startsWith("#")) continue;
        const problem = runLineProblem(line.trim(), npmScripts, cwd);
        const where = `job ${job}, step ${index + 1}${step.name ? ` (${step.name})` : ""}`;
        if (problem) problems.push(`${relative(root, file)}: ${where}: \`${line.trim()}\`: ${problem}`);
      }
    });
  }
  return problems;
}

// --- the checks ----------------------------------------------------------------------------------------------------

describe("GitHub Actions workflows", () => {
  it("there are workflows to check in .github/workflows", () => {
    expect(workflowFiles.map((file) => relative(root, file))).not.toEqual([]);
  });

  it("actionlint, with shellcheck on the run: scripts, finds nothing", () => {
    expect(actionlint(workflowFiles).map(formatActionlint)).toEqual([]);
  });

  it("zizmor --offline finds nothing at its default persona", () => {
    expect(zizmor(workflowFiles).map(formatZizmor)).toEqual([]);
  });

  it("zizmor audits are turned off only in .github/zizmor.yml, each with its reason beside it", () => {
    const inline = workflowFiles.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          /zizmor:\s*ignore/.test(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(inline, "move each ignore to .github/zizmor.yml, with the reason").toEqual([]);
    if (existsSync(zizmorConfig)) {
      expect(auditsWithoutReason(readFileSync(zizmorConfig, "utf8")), "write why beside each audit").toEqual([]);
    }
  });

  it("every run: step calls an npm script, npm ci or a script under scripts/, one command per line", () => {
    expect(workflowFiles.flatMap(runStepProblems)).toEqual([]);
  });
});

describe("the workflow checks report what they are for (fixtures in test/repository/fixtures)", () => {
  it("actionlint reports an undefined needs job, and shellcheck an unquoted variable in a run: script", () => {
    const kinds = actionlint([join(fixtures, "actionlint-undefined-needs.yml")]).map((e) => e.kind);
    expect(kinds).toContain("job-needs");
    expect(kinds).toContain("shellcheck");
  });

  it("zizmor reports a pull request's title expanded into a run: script", () => {
    const idents = zizmor([join(fixtures, "zizmor-template-injection.yml")]).map((f) => f.ident);
    expect(idents).toContain("template-injection");
  });

  it("the reason rule reports an audit turned off without a reason", () => {
    const text = readFileSync(join(fixtures, "zizmor-config-without-reason.yml"), "utf8");
    expect(auditsWithoutReason(text)).toEqual(["template-injection"]);
  });

  it("the run-step rule reports curl | sh and a line of a multi-line block that is no project script", () => {
    const problems = runStepProblems(join(fixtures, "run-curl-pipe-sh.yml")).map((p) =>
      p.replace(/^.*?: job /, "job "),
    );
    expect(problems).toEqual([
      'job test, step 1: `curl -fsSL https://example.invalid/install.sh | sh`: the shell operator "|": one command per line',
      "job test, step 2: `pip install zizmor`: runs neither an npm script, npm ci, nor a script under scripts/",
    ]);
  });

  it.each([
    ["npm ci", "allowed"],
    ["npm ci --no-audit", "allowed"],
    ["npm test", "allowed"],
    ['npm run cutover -- rollback --stack "$STACK" --reason "smoke tests failed"', "allowed"],
    ["scripts/test.sh", "allowed"],
    ["bash scripts/lib.sh", "allowed"],
    ["./scripts/test.sh --fast", "allowed"],
    ["npm run no-such-script", '"no-such-script" is not a script in package.json'],
    ["npm ci && npm test", 'the shell operator "&": one command per line'],
    ["npm test > out.txt", 'the shell operator ">": one command per line'],
    ["scripts/test.sh $(cat args)", "a command substitution"],
    ["scripts/test.sh \\", "a line continued on the next one"],
    ["scripts/lib.sh", "scripts/lib.sh is not executable"],
    ["scripts/missing.sh", "scripts/missing.sh does not exist"],
    ["bash scripts/../index.ts", "scripts/../index.ts is not under scripts/"],
    ["npm install left-pad", "runs neither an npm script, npm ci, nor a script under scripts/"],
    ["npm ci left-pad", "runs neither an npm script, npm ci, nor a script under scripts/"],
  ])("run line `%s`: %s", (line, problem) => {
    expect(runLineProblem(line, packageScripts(), root) ?? "allowed").toBe(problem);
  });
});
