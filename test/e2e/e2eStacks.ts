import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LocalWorkspace, type OpMap, type Stack } from "@pulumi/pulumi/automation";
import { dump } from "js-yaml";
import { runPulumi } from "../../cli/pulumiCommand";
import { runStreaming } from "../../cli/streamingProcess";
import { REPO_ROOT, stackFileConfig } from "../support/stackConfig";

export type IngressFlavour = "traefik" | "nginx";

export const INGRESS_IMAGES: Record<IngressFlavour, string> = {
  traefik: "migration/traefik:v3.6.12",
  nginx: "migration/nginx-lua:1.22-bookworm",
};
/** Away from the dev stage's 8080/9090/9428, so a developer's own dev stack can keep running beside the e2e. */
export const E2E_INGRESS_PORT = 18080;
export const E2E_PROMETHEUS_PORT = 19090;
export const E2E_LOGS_PORT = 19428;
const LEGACY_DIRECTORY = join(REPO_ROOT, "stacks", "legacy-flask");
/**
 * The dev stage's gates, its latency multiple included, with a window and bake time an e2e can wait out (the stage's 5
 * minutes of data and 2 minutes of bake would add 7 minutes per flavour). The e2e proves the gates on live figures;
 * 100 requests per backend keep a p99 from resting on two or three samples.
 */
export const E2E_GATES = { window: "1m", minRequests: 100, bakeTime: "30s" } as const;
/**
 * A backup window the e2e can wait out (the dev stage has none, prod two weeks), so that the run sees the legacy
 * stack's destroy refused inside it and allowed after it.
 */
export const E2E_BACKUP_WINDOW = "30s";

/** Prints Pulumi's progress lines, prefixed, so a long run shows where it is. */
const progress = (prefix: string) => (line: string) => {
  for (const text of line.split("\n")) if (text.trim()) process.stdout.write(`    ${prefix} | ${text}\n`);
};

/**
 * The dev stage's stack file with the flavour's ingress and the e2e's ports, under a stack name of its own. Written as a
 * file (not `pulumi config set` key by key) so structured values such as `routes` stay exactly as the stage has them.
 */
function writeStackFile(directory: string, stackName: string, config: Record<string, unknown>): string {
  const path = join(directory, `Pulumi.${stackName}.yaml`);
  writeFileSync(path, `# Written by the e2e run; removed with the stack.\n${dump({ config }, { lineWidth: -1 })}`);
  return path;
}

function devStageConfig(flavour: IngressFlavour, overrides: Record<string, unknown>): Record<string, unknown> {
  const dev = Object.fromEntries(
    Object.entries(stackFileConfig("Pulumi.dev.yaml")).map(([key, value]) => [key, tryJson(value)]),
  );
  const monitoring = dev["migration:monitoring"] as Record<string, unknown>;
  const gates = dev["migration:gates"] as Record<string, unknown>;
  const logs = monitoring.logs as Record<string, unknown> | undefined;
  return {
    ...dev,
    "migration:ingress": flavour,
    "migration:ingressImage": INGRESS_IMAGES[flavour],
    "migration:ingressPort": E2E_INGRESS_PORT,
    "migration:monitoring": {
      ...monitoring,
      port: E2E_PROMETHEUS_PORT,
      ...(logs ? { logs: { ...logs, port: E2E_LOGS_PORT } } : {}),
    },
    "migration:gates": { ...gates, ...E2E_GATES },
    "migration:backupWindow": E2E_BACKUP_WINDOW,
    ...overrides,
  };
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export interface TimedUpdate {
  readonly seconds: number;
  /** Milliseconds since the epoch when `pulumi up` returned. */
  readonly returnedAt: number;
}

/**
 * The platform and legacy stacks of one ingress flavour. Stacks, config, preview and outputs go through the Automation
 * API; the updates and destroys that are timed run the `pulumi` command itself, exactly as a user types it, because
 * the Automation API's `up` also reads the outputs and the stack summary afterwards (two more CLI runs), which is not
 * part of what a user waits for.
 */
export class E2EStacks {
  private constructor(
    readonly flavour: IngressFlavour,
    readonly platform: Stack,
    readonly legacy: Stack,
    private readonly stackFiles: readonly string[],
  ) {}

  /**
   * Stacks named `stackName` with the dev stage's config for the flavour, plus `overrides` (full `migration:` keys),
   * empty: whatever an interrupted earlier run left behind is destroyed first.
   */
  static async fresh(
    flavour: IngressFlavour,
    stackName = `e2e-${flavour}`,
    overrides: Record<string, unknown> = {},
  ): Promise<E2EStacks> {
    const stacks = await E2EStacks.create(flavour, stackName, overrides);
    if (!(await hasResources(stacks.platform)) && !(await hasResources(stacks.legacy))) return stacks;
    console.log(`  ${stackName}: destroying what an earlier run left behind`);
    await stacks.tearDown();
    return E2EStacks.create(flavour, stackName, overrides);
  }

  private static async create(
    flavour: IngressFlavour,
    stackName: string,
    overrides: Record<string, unknown>,
  ): Promise<E2EStacks> {
    const stackFiles = [
      writeStackFile(REPO_ROOT, stackName, devStageConfig(flavour, overrides)),
      writeStackFile(LEGACY_DIRECTORY, stackName, {
        "legacy-flask:platformStack": `organization/migration/${stackName}`,
      }),
    ];
    const platform = await LocalWorkspace.createOrSelectStack({ stackName, workDir: REPO_ROOT });
    const legacy = await LocalWorkspace.createOrSelectStack({ stackName, workDir: LEGACY_DIRECTORY });
    return new E2EStacks(flavour, platform, legacy, stackFiles);
  }

  async upPlatform(): Promise<TimedUpdate> {
    return timed(() => pulumi(["up", "--yes", "--skip-preview"], this.platform, `${this.flavour} platform up`));
  }

  async upLegacy(): Promise<TimedUpdate> {
    return timed(() => pulumi(["up", "--yes", "--skip-preview"], this.legacy, `${this.flavour} legacy up`));
  }

  /** The default weight and the given routes' weights (by index in `routes`), in one `pulumi config set-all --path`. */
  async setWeights(weight: number, routeIndexes: readonly number[]): Promise<void> {
    const keys = ["migration:defaultWeight", ...routeIndexes.map((index) => `migration:routes[${index}].weight`)];
    await this.platform.setAllConfig(Object.fromEntries(keys.map((key) => [key, { value: String(weight) }])), true);
  }

  /** What `pulumi preview` would do, by operation (`same`, `update`, `replace`, ...). */
  async previewPlatform(): Promise<OpMap> {
    return (await this.platform.preview()).changeSummary;
  }

  /** `npm run cutover -- <args> --stack <platform stack>`: the project's cutover command, as a user runs it. */
  async cutover(args: readonly string[]): Promise<CutoverRun> {
    const show = progress(`${this.flavour} cutover ${args[0]}`);
    const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
    let run = { code: null as number | null, output: "" };
    const timing = await timed(async () => {
      run = await runStreaming(tsx, [join(REPO_ROOT, "cli", "main.ts"), ...args, "--stack", this.platform.name], {
        cwd: REPO_ROOT,
        onOutput: show,
      });
    });
    return { ...timing, exitCode: run.code, output: run.output };
  }

  async destroyLegacy(): Promise<TimedUpdate> {
    return timed(() => pulumi(["destroy", "--yes", "--skip-preview"], this.legacy, `${this.flavour} legacy destroy`));
  }

  /**
   * Destroys both stacks (legacy first: Flask sits on the platform's network) and removes them and their files. A run
   * that stopped half-way may leave Flask routed, so the guard is told to stand aside first: this is cleanup, not a
   * decommission.
   */
  async tearDown(): Promise<void> {
    if (await hasResources(this.legacy)) {
      await this.legacy.setConfig("legacy-flask:forceDecommission", { value: "true" });
      await this.legacy.up({ onOutput: progress(`${this.flavour} legacy (guard off for cleanup)`) });
      await this.legacy.destroy({ onOutput: progress(`${this.flavour} legacy destroy`) });
    }
    await this.platform.destroy({ onOutput: progress(`${this.flavour} platform destroy`) });
    await this.legacy.workspace.removeStack(this.legacy.name);
    await this.platform.workspace.removeStack(this.platform.name);
    for (const file of this.stackFiles) rmSync(file, { force: true });
  }

  async platformOutput<T>(name: string): Promise<T> {
    return outputOf<T>(this.platform, name);
  }

  async legacyOutput<T>(name: string): Promise<T> {
    return outputOf<T>(this.legacy, name);
  }
}

async function outputOf<T>(stack: Stack, name: string): Promise<T> {
  const outputs = await stack.outputs();
  if (!(name in outputs)) throw new Error(`stack ${stack.name} in ${stack.workspace.workDir} has no output ${name}`);
  return outputs[name].value as T;
}

/** `pulumi <args>` on the stack, exactly as a user runs it, with its progress shown under `prefix`. */
function pulumi(args: readonly string[], stack: Stack, prefix: string): Promise<void> {
  return runPulumi(args, { workDir: stack.workspace.workDir, stackName: stack.name, onOutput: progress(prefix) });
}

async function hasResources(stack: Stack): Promise<boolean> {
  const state = await stack.exportStack();
  return (state.deployment?.resources?.length ?? 0) > 0;
}

export interface CutoverRun extends TimedUpdate {
  readonly exitCode: number | null;
  /** Everything the command printed, stdout and stderr. */
  readonly output: string;
}

async function timed(operation: () => Promise<unknown>): Promise<TimedUpdate> {
  const started = performance.now();
  await operation();
  return { seconds: (performance.now() - started) / 1000, returnedAt: Date.now() };
}
