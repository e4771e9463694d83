import { spawn, type ChildProcess } from "node:child_process";
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { dump, load } from "js-yaml";
import { localPluginFiles } from "../../infra/render/traefik/localPlugins";
import { renderTraefikStaticConfig } from "../../infra/render/traefik/staticConfig";
import { ENGINE_TESTS_REQUIRED } from "./engineTests";
import { freePort, waitFor } from "./processes";
import { REPO_ROOT } from "./stackConfig";

// The real Traefik binary, found where scripts/docker/build-traefik-binary.sh caches it, computed the way the script
// computes it rather than by running the script: on a cache miss the script builds Traefik, which takes about 30
// minutes. Without the binary the tests that need it skip, saying why, except under .ci/run, where they fail instead
// (see engineTests.ts).
const scriptDefault = (file: string, pattern: RegExp) => pattern.exec(readFileSync(join(REPO_ROOT, file), "utf8"))![1];
const VERSION =
  process.env.TRAEFIK_VERSION ||
  scriptDefault("scripts/docker/build-traefik-binary.sh", /^readonly DEFAULT_TRAEFIK_VERSION=(\S+)$/m);
const CACHE_DIRECTORY =
  process.env.MIGRATION_CACHE_DIR || scriptDefault("scripts/docker/lib.sh", /^: "\$\{MIGRATION_CACHE_DIR:=(\S+)\}"$/m);
const TRAEFIK = join(CACHE_DIRECTORY, "traefik", "bin", VERSION, "traefik");

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Empty when the binary is there; else why the tests that need it skip (or, under .ci/run, fail). */
export function traefikSkipReason(what: string): string {
  const reason = executable(TRAEFIK)
    ? ""
    : `no Traefik ${VERSION} binary at ${TRAEFIK} (bash scripts/docker/build-traefik-binary.sh builds it, about 30 min cold)`;
  if (reason && ENGINE_TESTS_REQUIRED) throw new Error(`${what} cannot be tested: ${reason}`);
  if (reason) console.warn(`${what} skipped: ${reason}`);
  return reason;
}

/** The project's static config with the public entry points moved to free loopback ports: no privilege needed. */
function testStaticConfig(routingDirectory: string, webPort: number, metricsPort: number): string {
  const config = load(renderTraefikStaticConfig({ directory: routingDirectory })) as {
    entryPoints: Record<string, { address: string }>;
  };
  config.entryPoints.web.address = `127.0.0.1:${webPort}`;
  config.entryPoints.metrics.address = `127.0.0.1:${metricsPort}`;
  return dump(config, { lineWidth: -1, noRefs: true });
}

export interface RunningTraefik {
  readonly url: string;
  readonly metricsUrl: string;
  /** Everything Traefik logged so far. */
  output(): string;
  /** Publishes new routing the way the ingress does: written aside, renamed over the watched file. */
  publish(routing: string): void;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

/** Starts Traefik on rendered routing and waits until `ready`, given its URL and its metrics URL, says it serves it. */
export async function startTraefik(
  routing: string,
  ready: (url: string, metricsUrl: string) => Promise<boolean>,
): Promise<RunningTraefik> {
  const workDir = mkdtempSync(join(tmpdir(), "traefik-"));
  const routingDirectory = join(workDir, "routing");
  mkdirSync(routingDirectory);
  const publish = (content: string) => {
    writeFileSync(join(workDir, "routing.yml.tmp"), content);
    renameSync(join(workDir, "routing.yml.tmp"), join(routingDirectory, "routing.yml"));
  };
  publish(routing);
  const [webPort, metricsPort] = [await freePort(), await freePort()];
  const configFile = join(workDir, "traefik.yml");
  writeFileSync(configFile, testStaticConfig(routingDirectory, webPort, metricsPort));

  // Traefik reads the project's plugins under its working directory, as in the container.
  for (const file of localPluginFiles(workDir)) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
  }

  let output = "";
  const traefik: ChildProcess = spawn(TRAEFIK, [`--configFile=${configFile}`], {
    cwd: workDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  traefik.stdout!.on("data", (chunk) => (output += chunk));
  traefik.stderr!.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${webPort}`;
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const stop = async () => {
    if (traefik.exitCode === null) {
      traefik.kill("SIGTERM");
      await new Promise((resolve) => traefik.once("exit", resolve));
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  // Traefik answers 404 until it has loaded the routing file, and the whole file is applied at once. It interprets the
  // project's plugins first: under `npm test`, on two cores shared with the other integration files, that once took
  // more than 10 s.
  await waitFor(
    "Traefik to serve the rendered routing",
    async () => ((await ready(url, metricsUrl)) ? true : undefined),
    STARTUP_TIMEOUT_MS,
  ).catch(async (error: Error) => {
    await stop();
    throw new Error(`${error.message}\nTraefik's output:\n${output}`);
  });
  return { url, metricsUrl, output: () => output, publish, stop };
}
