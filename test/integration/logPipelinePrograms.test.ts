import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTAINER_NAME_PATTERN } from "../../components/docker/names";
import { CONTAINER_INDEX_DIRECTORY, renderLogCollectorConfig } from "../../components/docker/logCollectorConfig";
import { LOG_COLLECTOR_CHECKPOINT_DIRECTORY, LOG_COLLECTOR_HEALTH_PORT } from "../../components/logCollectorPipeline";
import { LOG_STORE_OTLP_PATH, logStoreFlags } from "../../infra/monitoring/logStoreFlags";
import { logPipelineBinary, queryLogStore } from "../support/logPipeline";
import { freePort, waitFor } from "../support/processes";

// The real VictoriaLogs and OpenTelemetry Collector, built from the Go module proxy (their build scripts print the
// cached binaries at once), run on this machine with the platform's rendered flags and file: each must start and
// answer its health endpoint, refuse a bad value, and together ship a json-file line with its labels, once.
const storeBinary = logPipelineBinary("store");
const collectorBinary = logPipelineBinary("collector");

const run = (binary: string, args: string[]) => {
  const result = spawnSync(binary, args, { encoding: "utf8", timeout: 20_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

/** A json-file line as the Docker engine writes it. */
const engineLine = (message: string, stream: "stdout" | "stderr") =>
  `${JSON.stringify({ log: `${message}\n`, stream, time: new Date().toISOString() })}\n`;

describe("the log pipeline's programs, run with the platform's flags and configuration", () => {
  let workDir: string;
  let storeUrl: string;
  const children: ChildProcess[] = [];

  /** The collector's configuration with the container paths moved under the work directory. */
  const collectorConfig = (otlpEndpoint: string, healthPort: number) =>
    renderLogCollectorConfig({ otlpEndpoint })
      .replaceAll(CONTAINER_INDEX_DIRECTORY, join(workDir, "index"))
      .replaceAll(LOG_COLLECTOR_CHECKPOINT_DIRECTORY, join(workDir, "checkpoints"))
      .replace(`0.0.0.0:${LOG_COLLECTOR_HEALTH_PORT}`, `127.0.0.1:${healthPort}`);

  const startCollector = (configFile: string) => {
    const child = spawn(collectorBinary, [`--config=${configFile}`], { stdio: "ignore" });
    children.push(child);
    return child;
  };

  const query = (logsql: string) => queryLogStore(storeUrl, logsql);

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "log-programs-"));
    mkdirSync(join(workDir, "index"));
    mkdirSync(join(workDir, "engine"));
    const storePort = await freePort();
    storeUrl = `http://127.0.0.1:${storePort}`;
    // The platform's flags, then the two a process on this machine needs instead (Go's flag parsing keeps the last).
    const store = spawn(
      storeBinary,
      [
        ...logStoreFlags({ retention: "7d", maxDiskUsage: "1GiB" }),
        `-storageDataPath=${join(workDir, "store")}`,
        `-httpListenAddr=127.0.0.1:${storePort}`,
      ],
      { stdio: "ignore" },
    );
    children.push(store);
    await waitFor(
      "VictoriaLogs' /health",
      async () => ((await fetch(`${storeUrl}/health`)).ok ? true : undefined),
      20_000,
    );
  }, 60_000);

  afterAll(() => {
    for (const child of children) child.kill("SIGKILL");
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("VictoriaLogs starts with the rendered flags and answers its health endpoint", async () => {
    expect(await (await fetch(`${storeUrl}/health`)).text()).toBe("OK");
  });

  it.each([
    ["a retention under one day", { retention: "12h", maxDiskUsage: "1GiB" }, "retentionPeriod"],
    ["a disk cap that is not a size", { retention: "7d", maxDiskUsage: "ten GiB" }, "maxDiskSpaceUsageBytes"],
  ])("VictoriaLogs refuses %s", (_, settings, flag) => {
    const result = run(storeBinary, [
      ...logStoreFlags(settings),
      `-storageDataPath=${join(workDir, "refused")}`,
      "-httpListenAddr=127.0.0.1:0",
    ]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(flag);
  });

  it("the collector validates the rendered configuration", () => {
    const file = join(workDir, "collector.yaml");
    writeFileSync(file, collectorConfig(`${storeUrl}${LOG_STORE_OTLP_PATH}`, 1));
    const result = run(collectorBinary, ["validate", `--config=${file}`]);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("the collector refuses a name pattern RE2 cannot compile (so the check above means something)", () => {
    const file = join(workDir, "collector-broken.yaml");
    writeFileSync(
      file,
      collectorConfig(`${storeUrl}${LOG_STORE_OTLP_PATH}`, 1).replace(CONTAINER_NAME_PATTERN, "(?=x)"),
    );
    const result = run(collectorBinary, ["validate", `--config=${file}`]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("regex");
  });

  it("ships the lines of a linked json-file log with their labels, and after a restart only the new ones", async () => {
    const logFile = join(workDir, "engine", "3fa9c01e-json.log");
    writeFileSync(logFile, engineLine("flask line 1", "stdout") + engineLine("flask oops 1", "stderr"));
    symlinkSync(logFile, join(workDir, "index", "flask-0-3fa9c01.log"));
    const healthPort = await freePort();
    const configFile = join(workDir, "collector-run.yaml");
    writeFileSync(configFile, collectorConfig(`${storeUrl}${LOG_STORE_OTLP_PATH}`, healthPort));

    let collector = startCollector(configFile);
    const health = `http://127.0.0.1:${healthPort}/`;
    await waitFor("the collector's health endpoint", async () => ((await fetch(health)).ok ? true : undefined), 20_000);
    const first = await waitFor(
      "both lines in VictoriaLogs",
      async () => {
        const rows = await query('{service="flask"}');
        return rows.length >= 2 ? rows : undefined;
      },
      20_000,
    );
    expect(
      first
        .map(({ _msg, service, replica, container, stream }) => ({ _msg, service, replica, container, stream }))
        .sort((a, b) => a._msg.localeCompare(b._msg)),
    ).toEqual([
      { _msg: "flask line 1", service: "flask", replica: "0", container: "flask-0-3fa9c01", stream: "stdout" },
      { _msg: "flask oops 1", service: "flask", replica: "0", container: "flask-0-3fa9c01", stream: "stderr" },
    ]);

    // Stopped as the engine stops a container (SIGTERM: the checkpoint is saved), a line added, started again.
    const exited = new Promise((resolve) => collector.once("exit", resolve));
    collector.kill("SIGTERM");
    await exited;
    appendFileSync(logFile, engineLine("flask line 2", "stdout"));
    collector = startCollector(configFile);
    await waitFor(
      "the new line in VictoriaLogs",
      async () => ((await query('"flask line 2"')).length > 0 ? true : undefined),
      20_000,
    );
    // A moment for anything sent twice to arrive too.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await query('{service="flask"}')).map((row) => row._msg).sort()).toEqual([
      "flask line 1",
      "flask line 2",
      "flask oops 1",
    ]);
    expect((await fetch(health)).ok).toBe(true);
  }, 90_000);
});
