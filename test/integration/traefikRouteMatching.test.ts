import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dump, load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderTraefikRouting } from "../../infra/render/traefik/dynamicConfig";
import { TRAEFIK_HOP_PORTS } from "../../infra/render/traefik/ports";
import { renderTraefikStaticConfig } from "../../infra/render/traefik/staticConfig";
import { ENGINE_TESTS_REQUIRED } from "../support/engineTests";
import { freePort, startNamedBackend, waitFor } from "../support/processes";
import {
  APP_BACKEND_HEADER,
  caseName,
  expectedReply,
  planFor,
  ROUTE_MATCHING_CASES,
  sendCase,
} from "../support/routeMatchingCases";
import { REPO_ROOT } from "../support/stackConfig";

// The real Traefik binary on the routing the project renders for the shared table's map, with two stand-in backends.
//
// The binary is found where scripts/docker/build-traefik-binary.sh caches it, computed the way the script computes it
// rather than by running the script: on a cache miss the script builds Traefik, which takes about 30 minutes. Without
// the binary this test skips, saying why, except under .ci/run, where it fails instead (see engineTests.ts).
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

const skipReason = executable(TRAEFIK)
  ? ""
  : `no Traefik ${VERSION} binary at ${TRAEFIK} (bash scripts/docker/build-traefik-binary.sh builds it, about 30 min cold)`;
if (skipReason && ENGINE_TESTS_REQUIRED) throw new Error(`Traefik's routing cannot be tested: ${skipReason}`);
if (skipReason) console.warn(`Traefik route matching skipped: ${skipReason}`);

function loopbackPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * The project's static config with the public entry points moved to free loopback ports, so that the test needs no
 * privilege and no fixed port but the hops'. The hop entry points stay where the routing document points its hop
 * services (TRAEFIK_HOP_PORTS): that document is what is under test, so it is used exactly as rendered.
 */
function testStaticConfig(routingDirectory: string, webPort: number, metricsPort: number): string {
  const config = load(renderTraefikStaticConfig(routingDirectory)) as {
    entryPoints: Record<string, { address: string }>;
  };
  config.entryPoints.web.address = `127.0.0.1:${webPort}`;
  config.entryPoints.metrics.address = `127.0.0.1:${metricsPort}`;
  return dump(config, { lineWidth: -1, noRefs: true });
}

describe.skipIf(skipReason !== "")(
  `the shared routing cases, through Traefik${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let workDir: string;
    let ingressUrl: string;
    let traefik: ChildProcess;
    let output = "";
    const backends: Server[] = [];

    beforeAll(async () => {
      for (const port of Object.values(TRAEFIK_HOP_PORTS))
        expect(await loopbackPortFree(port), `Traefik's hop port 127.0.0.1:${port} is taken`).toBe(true);
      const [fastapi, flask] = await Promise.all(
        (["fastapi", "flask"] as const).map((name) => startNamedBackend(name, { [APP_BACKEND_HEADER]: name })),
      );
      backends.push(fastapi.server, flask.server);

      workDir = mkdtempSync(join(tmpdir(), "traefik-matching-"));
      const routingDirectory = join(workDir, "routing");
      const plan = planFor({ fastapi: { servers: [fastapi.address] }, flask: { servers: [flask.address] } });
      mkdirSync(routingDirectory);
      writeFileSync(join(routingDirectory, "routing.yml"), renderTraefikRouting(plan));
      const webPort = await freePort();
      const configFile = join(workDir, "traefik.yml");
      writeFileSync(configFile, testStaticConfig(routingDirectory, webPort, await freePort()));

      traefik = spawn(TRAEFIK, [`--configFile=${configFile}`], { stdio: ["ignore", "pipe", "pipe"] });
      traefik.stdout!.on("data", (chunk) => (output += chunk));
      traefik.stderr!.on("data", (chunk) => (output += chunk));
      ingressUrl = `http://127.0.0.1:${webPort}`;
      // Traefik answers 404 until it has loaded the routing file, and the whole file is applied at once.
      await waitFor("Traefik to route the table's map", async () =>
        (await fetch(`${ingressUrl}/`)).status === 200 ? true : undefined,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\nTraefik's output:\n${output}`);
      });
    });

    afterAll(async () => {
      if (traefik && traefik.exitCode === null) {
        traefik.kill("SIGTERM");
        await new Promise((resolve) => traefik.once("exit", resolve));
      }
      for (const server of backends) server.close();
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    it.each(ROUTE_MATCHING_CASES.map((testCase) => [caseName(testCase), testCase] as const))(
      "%s",
      async (_, testCase) => {
        expect(await sendCase(ingressUrl, testCase)).toEqual(expectedReply(testCase));
      },
    );

    it("loads the rendered routing without an error", () => {
      expect(output).not.toMatch(/ ERR /);
    });
  },
);
