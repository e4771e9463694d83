import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCKER_SOCKET, renderLogAgentConfig } from "../../infra/monitoring/logAgentConfig";
import { LOKI_HTTP_PORT, renderLokiConfig } from "../../infra/monitoring/lokiConfig";
import { dockerAnswers, imageExists, LOKI_IMAGES } from "../support/lokiBuild";
import { waitFor } from "../support/processes";

// The log pipeline for real, without Pulumi: Loki and the agent as the platform runs them (same images, same rendered
// files, same mounts), and containers named the way Pulumi names the platform's (`flask-0-<7 hex>`, ...), each
// printing known lines. Everything it creates is named or labelled logs-try-<pid> and removed at the end.
const APP_IMAGE = "migration/debian-base:bookworm";
const required = [LOKI_IMAGES.loki, LOKI_IMAGES.promtail, APP_IMAGE];
const docker = dockerAnswers();
const missing = docker ? required.filter((image) => !imageExists(image)) : [];
const skipReason = !docker
  ? "no Docker engine answers (scripts/docker/ensure-engine.sh starts one)"
  : missing.length > 0
    ? `missing images ${missing.join(", ")} (scripts/docker/build-images.sh debian-base loki promtail builds them)`
    : "";
if (skipReason) console.warn(`running log pipeline skipped: ${skipReason}`);

const RUN = `logs-try-${process.pid}`;
const OWNER_LABEL = `org.migration.test=${RUN}`;
const LINES_PER_STREAM = 50;

/** The containers standing in for the platform's, by the service their name must yield. */
const APPS = [
  { service: "flask", name: `flask-0-${randomBytes(4).toString("hex").slice(0, 7)}`, replica: "0" },
  { service: "fastapi", name: `fastapi-1-${randomBytes(4).toString("hex").slice(0, 7)}`, replica: "1" },
  { service: "ingress", name: `ingress-${randomBytes(4).toString("hex").slice(0, 7)}` },
];

interface LokiStream {
  stream: Record<string, string>;
  values: Array<[string, string]>;
}

const dockerRun = (...args: string[]) =>
  execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

describe.skipIf(skipReason !== "")(`the log pipeline, running${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let workDir: string;
  let lokiUrl: string;
  let startedNs: bigint;
  const figures: Record<string, unknown> = {};

  const query = async (logql: string): Promise<LokiStream[]> => {
    const params = new URLSearchParams({ query: logql, start: String(startedNs), limit: "5000", direction: "forward" });
    const response = await fetch(`${lokiUrl}/loki/api/v1/query_range?${params}`);
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    return ((await response.json()) as { data: { result: LokiStream[] } }).data.result;
  };
  const lineCount = (streams: LokiStream[]) => streams.reduce((sum, stream) => sum + stream.values.length, 0);

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), `${RUN}-`));
    chmodSync(workDir, 0o755);
    const network = `${RUN}-net`;
    dockerRun("network", "create", "--label", OWNER_LABEL, network);
    writeFileSync(join(workDir, "loki.yml"), renderLokiConfig({ retention: "7d" }), { mode: 0o644 });
    writeFileSync(
      join(workDir, "promtail.yml"),
      renderLogAgentConfig({ pushUrl: `http://loki:${LOKI_HTTP_PORT}/loki/api/v1/push`, networkName: network }),
      { mode: 0o644 },
    );

    startedNs = BigInt(Date.now()) * 1_000_000n;
    const started = Date.now();
    dockerRun(
      "run",
      "-d",
      "--name",
      `${RUN}-loki`,
      "--label",
      OWNER_LABEL,
      "--network",
      network,
      "--network-alias",
      "loki",
      "-p",
      `127.0.0.1::${LOKI_HTTP_PORT}`,
      "-v",
      `${workDir}/loki.yml:/etc/loki/loki.yml:ro`,
      LOKI_IMAGES.loki,
    );
    lokiUrl = `http://127.0.0.1:${dockerRun("port", `${RUN}-loki`, String(LOKI_HTTP_PORT)).split("\n")[0].split(":").pop()}`;
    await waitFor("Loki's /ready", async () => ((await fetch(`${lokiUrl}/ready`)).ok ? true : undefined), 60_000);
    figures.lokiReadySeconds = (Date.now() - started) / 1000;

    dockerRun(
      "run",
      "-d",
      "--name",
      `${RUN}-agent`,
      "--label",
      OWNER_LABEL,
      "--network",
      network,
      "-v",
      `${DOCKER_SOCKET}:${DOCKER_SOCKET}:ro`,
      "-v",
      `${workDir}/promtail.yml:/etc/promtail/promtail.yml:ro`,
      LOKI_IMAGES.promtail,
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
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    if (Object.keys(figures).length > 0) console.log(`log pipeline figures: ${JSON.stringify(figures)}`);
  });

  it("delivers every line of flask, fastapi and the ingress, queryable by {service=...}", async () => {
    const arrivalStarted = Date.now();
    let linesQueried = 0;
    for (const app of APPS) {
      const streams = await waitFor(
        `all of ${app.service}'s lines in Loki`,
        async () => {
          const result = await query(`{service="${app.service}"}`);
          return lineCount(result) >= 2 * LINES_PER_STREAM ? result : undefined;
        },
        60_000,
      );
      expect(lineCount(streams)).toBe(2 * LINES_PER_STREAM);
      linesQueried += lineCount(streams);
    }
    figures.linesQueried = linesQueried;
    figures.secondsUntilAllQueryable = (Date.now() - arrivalStarted) / 1000;
    expect(linesQueried).toBe(figures.linesIn);
  }, 90_000);

  it("labels each line with its service, replica, container and stream", async () => {
    for (const app of APPS) {
      const streams = await query(`{service="${app.service}"}`);
      expect(streams.map((stream) => stream.stream.stream).sort()).toEqual(["stderr", "stdout"]);
      for (const stream of streams) {
        expect(stream.stream).toMatchObject({
          service: app.service,
          container: app.name,
          ...(app.replica ? { replica: app.replica } : {}),
        });
        if (!app.replica) expect(stream.stream).not.toHaveProperty("replica");
      }
      const stderr = await query(`{service="${app.service}", stream="stderr"}`);
      expect(stderr.flatMap((stream) => stream.values.map(([, line]) => line))).toEqual(
        Array.from({ length: LINES_PER_STREAM }, (_, index) => `${app.service} err line ${index + 1}`),
      );
    }
  });
});
