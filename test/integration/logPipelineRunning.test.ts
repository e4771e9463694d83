import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTAINER_INDEX_DIRECTORY, renderLogCollectorConfig } from "../../components/docker/logCollectorConfig";
import { LOG_COLLECTOR_CHECKPOINT_DIRECTORY } from "../../components/logCollectorPipeline";
import { LOG_STORE_HTTP_PORT, LOG_STORE_OTLP_PATH, logStoreFlags } from "../../infra/monitoring/logStoreFlags";
import { dockerAnswers, ENGINE_TESTS_REQUIRED, imageExists } from "../support/engineTests";
import { LOG_PIPELINE_IMAGES, queryLogStore } from "../support/logPipeline";
import { waitFor } from "../support/processes";

// The log pipeline for real, without Pulumi: VictoriaLogs, the container index and the collector as the platform runs
// them (same images, same rendered flags and file, same mounts), and containers named the way Pulumi names the
// platform's (`flask-0-<7 hex>`, ...), each printing known lines. Everything it creates is named or labelled
// logs-try-<pid> and removed at the end. Skipped, saying why, where Docker or the images are missing, except under
// .ci/run, where it fails instead (see engineTests.ts).
const APP_IMAGE = "migration/debian-base:bookworm";
const required = [LOG_PIPELINE_IMAGES.store, LOG_PIPELINE_IMAGES.collector, APP_IMAGE];
const docker = dockerAnswers();
const missing = docker ? required.filter((image) => !imageExists(image)) : [];
const skipReason = !docker
  ? "no Docker engine answers (scripts/docker/ensure-engine.sh starts one)"
  : missing.length > 0
    ? `missing images ${missing.join(", ")} (scripts/docker/build-images.sh debian-base victorialogs log-collector builds them)`
    : "";
if (skipReason && ENGINE_TESTS_REQUIRED) throw new Error(`the running log pipeline cannot be tested: ${skipReason}`);
if (skipReason) console.warn(`running log pipeline skipped: ${skipReason}`);
const ENGINE_LOGS = "/var/lib/docker/containers";
const DOCKER_SOCKET = "/var/run/docker.sock";

const RUN = `logs-try-${process.pid}`;
const OWNER_LABEL = `org.migration.test=${RUN}`;
const LINES_PER_STREAM = 50;

/** The containers standing in for the platform's, by the service their name must yield. */
const APPS = [
  { service: "flask", name: `flask-0-${randomBytes(4).toString("hex").slice(0, 7)}`, replica: "0" },
  { service: "fastapi", name: `fastapi-1-${randomBytes(4).toString("hex").slice(0, 7)}`, replica: "1" },
  { service: "ingress", name: `ingress-${randomBytes(4).toString("hex").slice(0, 7)}` },
];

const dockerRun = (...args: string[]) =>
  execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

describe.skipIf(skipReason !== "")(`the log pipeline, running${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let workDir: string;
  let storeUrl: string;
  const figures: Record<string, unknown> = {};

  const query = (logsql: string) => queryLogStore(storeUrl, logsql);

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), `${RUN}-`));
    chmodSync(workDir, 0o755);
    const network = `${RUN}-net`;
    dockerRun("network", "create", "--label", OWNER_LABEL, network);
    writeFileSync(
      join(workDir, "collector.yaml"),
      renderLogCollectorConfig({ otlpEndpoint: `http://victorialogs:${LOG_STORE_HTTP_PORT}${LOG_STORE_OTLP_PATH}` }),
      { mode: 0o644 },
    );

    const started = Date.now();
    dockerRun(
      "run",
      "-d",
      "--name",
      `${RUN}-store`,
      "--label",
      OWNER_LABEL,
      "--network",
      network,
      "--network-alias",
      "victorialogs",
      "-p",
      `127.0.0.1::${LOG_STORE_HTTP_PORT}`,
      LOG_PIPELINE_IMAGES.store,
      ...logStoreFlags({ retention: "7d", maxDiskUsage: "1GiB" }),
    );
    storeUrl = `http://127.0.0.1:${dockerRun("port", `${RUN}-store`, String(LOG_STORE_HTTP_PORT)).split("\n")[0].split(":").pop()}`;
    await waitFor(
      "VictoriaLogs' /health",
      async () => ((await fetch(`${storeUrl}/health`)).ok ? true : undefined),
      60_000,
    );
    figures.storeReadySeconds = (Date.now() - started) / 1000;

    const engineLogs = `${ENGINE_LOGS}:${ENGINE_LOGS}:ro`;
    dockerRun(
      "run",
      "-d",
      "--name",
      `${RUN}-index`,
      "--label",
      OWNER_LABEL,
      "--network",
      network,
      "--entrypoint",
      "/usr/local/bin/index-containers",
      "-e",
      `NETWORK=${network}`,
      "-v",
      `${DOCKER_SOCKET}:${DOCKER_SOCKET}:ro`,
      "-v",
      engineLogs,
      "-v",
      `${RUN}-index:${CONTAINER_INDEX_DIRECTORY}`,
      LOG_PIPELINE_IMAGES.collector,
    );
    dockerRun(
      "run",
      "-d",
      "--name",
      `${RUN}-collector`,
      "--label",
      OWNER_LABEL,
      "--network",
      network,
      "-v",
      engineLogs,
      "-v",
      `${RUN}-index:${CONTAINER_INDEX_DIRECTORY}:ro`,
      "-v",
      `${RUN}-checkpoints:${LOG_COLLECTOR_CHECKPOINT_DIRECTORY}`,
      "-v",
      `${workDir}/collector.yaml:/etc/otelcol/config.yaml:ro`,
      LOG_PIPELINE_IMAGES.collector,
    );
    for (const app of APPS) {
      // LINES_PER_STREAM numbered lines on stdout and on stderr, then stay up as a service does.
      const script = `for i in $(seq 1 ${LINES_PER_STREAM}); do echo "${app.service} out line $i"; echo "${app.service} err line $i" >&2; done; exec sleep 600`;
      dockerRun(
        "run",
        "-d",
        "--name",
        app.name,
        "--label",
        OWNER_LABEL,
        "--network",
        network,
        "--entrypoint",
        "sh",
        APP_IMAGE,
        "-c",
        script,
      );
    }
    figures.linesIn = APPS.length * 2 * LINES_PER_STREAM;
  }, 120_000);

  afterAll(() => {
    const owned = spawnSync("docker", ["ps", "-aq", "--filter", `label=${OWNER_LABEL}`], { encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean);
    if (owned.length > 0) spawnSync("docker", ["rm", "-f", "-v", ...owned], { stdio: "ignore" });
    spawnSync("docker", ["network", "rm", `${RUN}-net`], { stdio: "ignore" });
    spawnSync("docker", ["volume", "rm", `${RUN}-index`, `${RUN}-checkpoints`], { stdio: "ignore" });
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    if (Object.keys(figures).length > 0) console.log(`log pipeline figures: ${JSON.stringify(figures)}`);
  });

  it("delivers every line of flask, fastapi and the ingress, queryable by {service=...}", async () => {
    const arrivalStarted = Date.now();
    let linesQueried = 0;
    for (const app of APPS) {
      const rows = await waitFor(
        `all of ${app.service}'s lines in VictoriaLogs`,
        async () => {
          const result = await query(`{service="${app.service}"}`);
          return result.length >= 2 * LINES_PER_STREAM ? result : undefined;
        },
        60_000,
        500,
      );
      expect(rows).toHaveLength(2 * LINES_PER_STREAM);
      linesQueried += rows.length;
    }
    figures.linesQueried = linesQueried;
    figures.secondsUntilAllQueryable = (Date.now() - arrivalStarted) / 1000;
    expect(linesQueried).toBe(figures.linesIn);
  }, 90_000);

  it("labels each line with its service, replica, container and stream", async () => {
    for (const app of APPS) {
      const rows = await query(`{service="${app.service}"}`);
      expect([...new Set(rows.map((row) => row.stream))].sort()).toEqual(["stderr", "stdout"]);
      for (const row of rows) {
        expect(row).toMatchObject({
          service: app.service,
          container: app.name,
          ...(app.replica ? { replica: app.replica } : {}),
        });
        if (!app.replica) expect(row).not.toHaveProperty("replica");
      }
      const stderr = await query(`{service="${app.service}", stream="stderr"} | sort by (_time)`);
      expect(stderr.map((row) => row._msg)).toEqual(
        Array.from({ length: LINES_PER_STREAM }, (_, index) => `${app.service} err line ${index + 1}`),
      );
    }
  });
});
