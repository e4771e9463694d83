import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROMETHEUS_CONSOLES_DIRECTORY, PROMETHEUS_CONSOLE_FLAGS } from "../../infra/monitoring/prometheusLayout";
import { ALERT_RULES_FILE, renderAlertRules } from "../../infra/monitoring/alertRules";
import { MIGRATION_CONSOLE_FILE, renderMigrationConsole } from "../../infra/monitoring/migrationConsole";
import { renderRuleFile, type RecordingRule } from "../../infra/monitoring/ruleGroups";
import { SERIES } from "../../infra/monitoring/seriesNames";
import { backendServers } from "../../components/docker/addressing";
import { buildRoutingPlan, type BackendName } from "../../infra/routing/plan";
import { snapshotOf } from "../../infra/routing/snapshot";
import { BROWSER_START_MS, CHROMIUM, checkMigrationPage } from "../e2e/migrationPage";
import { devPlatformConfig } from "../support/configs";
import { freePort, waitFor } from "../support/processes";
import { dockerAnswers, ENGINE_TESTS_REQUIRED, imageExists } from "../support/engineTests";

// The "Flask vs FastAPI" console page for real, without Pulumi: Prometheus from the platform's image with the flags
// and the rendered page as the platform gives them, the migration's real alert rules, and the recorded series made
// up by rules of this test (`vector(...)`, the dev stage's routes at their weights); then Chromium opens the page as
// a person would (test/e2e/migrationPage.ts), once with no alert and once with one pending.
const config = devPlatformConfig();
const IMAGE = config.monitoring.image!;
const ROUTES = buildRoutingPlan(snapshotOf(config), config, backendServers(config)).routes;
const ROUTE_IDS = ROUTES.map((route) => route.id);
// The dev stage: api-users-get-head and default at 10%, api-orders-post-put-patch-delete at 0% (Flask only).
const WEIGHTS = Object.fromEntries(ROUTES.map((route) => [route.id, route.weight]));
const SPLIT_ROUTE_IDS = ROUTE_IDS.filter((route) => WEIGHTS[route] > 0);
const REQUESTS_PER_SECOND = 20;
const FLASK_P99_SECONDS = 0.08;
const REPORTS = join(__dirname, "../../reports");
// Kept for a person to look at (reports/ is not versioned).
const SCREENSHOT: `${string}.png` = `${REPORTS}/migration-page.integration.png`;
/** A browser's start, then the page's load and drawing. */
const BROWSER_TEST_MS = BROWSER_START_MS + 60_000;

const docker = (...args: string[]) => spawnSync("docker", args, { encoding: "utf8", timeout: 60_000 });

/** What this machine lacks to run Prometheus from the platform's image with its console libraries. */
function missingForPrometheus(): string | undefined {
  if (!dockerAnswers()) return "no Docker engine answers (scripts/docker/ensure-engine.sh starts one)";
  if (!imageExists(IMAGE)) return `no image ${IMAGE} (scripts/docker/build-images.sh prometheus builds it)`;
  if (docker("run", "--rm", "--entrypoint", "test", IMAGE, "-f", "/etc/prometheus/console_libraries/prom.lib").status)
    return `${IMAGE} predates the console libraries (scripts/docker/build-images.sh prometheus rebuilds it)`;
  return undefined;
}

// Required under .ci/run (see engineTests.ts); elsewhere skipped, saying why, without Docker or the image.
const missing = missingForPrometheus();
const skip = missing !== undefined && !ENGINE_TESTS_REQUIRED;
if (skip) console.warn(`migration page checks skipped: ${missing}`);

/** The recorded series of one route and backend, as steady traffic would give them. */
function backendSeries(route: string, backend: BackendName, p99Seconds: number): RecordingRule[] {
  const share = (backend === "fastapi" ? WEIGHTS[route] : 100 - WEIGHTS[route]) / 100;
  const labels = { route, backend };
  const rate = REQUESTS_PER_SECOND * share;
  return [
    { record: SERIES.requestRate, expr: `vector(${rate})`, labels },
    { record: SERIES.requestsInWindow, expr: `vector(${rate * 300})`, labels },
    { record: SERIES.errorRatio, expr: `vector(${backend === "fastapi" ? 0.004 : 0.002})`, labels },
    { record: SERIES.latencyP99, expr: `vector(${p99Seconds})`, labels },
    { record: SERIES.observedShare, expr: `vector(${share})`, labels },
  ];
}

/** The dev stage's routes under traffic, with FastAPI's p99 `fastapiP99Multiple` times Flask's on every route. */
function recordedSeries(fastapiP99Multiple: number): string {
  const rules = ROUTE_IDS.flatMap((route) => [
    { record: SERIES.configuredWeight, expr: `vector(${WEIGHTS[route]})`, labels: { route } },
    { record: SERIES.failoverRate, expr: "vector(0)", labels: { route } },
    ...backendSeries(route, "flask", FLASK_P99_SECONDS),
    ...(WEIGHTS[route] > 0
      ? [
          ...backendSeries(route, "fastapi", FLASK_P99_SECONDS * fastapiP99Multiple),
          { record: SERIES.latencyP99Ratio, expr: `vector(${fastapiP99Multiple})`, labels: { route } },
        ]
      : []),
  ]);
  return renderRuleFile([{ name: "made-up-traffic", rules }]);
}

describe.skipIf(skip)(`the migration page, in Chromium${skip ? ` (skipped: ${missing})` : ""}`, () => {
  const run = `page-try-${process.pid}`;
  let workDir: string;
  let prometheusUrl: string;

  const query = async (expression: string): Promise<unknown[]> => {
    const response = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expression })}`);
    return ((await response.json()) as { data: { result: unknown[] } }).data.result;
  };
  const writeSeries = (fastapiP99Multiple: number) =>
    writeFileSync(join(workDir, "rules", "traffic.rules.yml"), recordedSeries(fastapiP99Multiple), { mode: 0o644 });
  const check = () =>
    checkMigrationPage({
      prometheusUrl,
      routeIds: ROUTE_IDS,
      splitRouteIds: SPLIT_ROUTE_IDS,
      screenshotPath: SCREENSHOT,
      rangeSeconds: 120,
    });

  beforeAll(async () => {
    if (missing) return;
    workDir = mkdtempSync(join(tmpdir(), `${run}-`));
    for (const directory of [workDir, join(workDir, "rules"), join(workDir, "consoles")]) {
      mkdirSync(directory, { recursive: true });
      chmodSync(directory, 0o755); // Prometheus runs as its own user.
    }
    mkdirSync(REPORTS, { recursive: true });
    writeFileSync(
      join(workDir, "prometheus.yml"),
      dump({ global: { evaluation_interval: "1s" }, rule_files: ["/etc/prometheus/rules/*.rules.yml"] }),
      { mode: 0o644 },
    );
    writeFileSync(join(workDir, "rules", ALERT_RULES_FILE), renderAlertRules(config.gates), { mode: 0o644 });
    writeSeries(1.1);
    writeFileSync(join(workDir, "consoles", MIGRATION_CONSOLE_FILE), renderMigrationConsole(ROUTE_IDS), {
      mode: 0o644,
    });
    const port = await freePort();
    execFileSync("docker", [
      "run",
      "-d",
      "--name",
      run,
      "-p",
      `127.0.0.1:${port}:9090`,
      "-v",
      `${join(workDir, "prometheus.yml")}:/etc/prometheus/prometheus.yml:ro`,
      "-v",
      `${join(workDir, "rules")}:/etc/prometheus/rules:ro`,
      "-v",
      `${join(workDir, "consoles")}:${PROMETHEUS_CONSOLES_DIRECTORY}:ro`,
      IMAGE,
      "--config.file=/etc/prometheus/prometheus.yml",
      "--storage.tsdb.path=/prometheus",
      "--web.listen-address=:9090",
      ...PROMETHEUS_CONSOLE_FLAGS,
    ]);
    prometheusUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      "the made-up series",
      async () => ((await query(SERIES.requestRate)).length > 0 ? true : undefined),
      20_000,
      250,
    );
  });

  afterAll(() => {
    if (missing) return;
    docker("rm", "-f", run);
    rmSync(workDir, { recursive: true, force: true });
  });

  it("has Docker and the Prometheus image with its console libraries, and Chromium", () => {
    expect(missing, "run scripts/docker/build-images.sh prometheus (CI builds the images first)").toBeUndefined();
    expect(existsSync(CHROMIUM), "install Debian's chromium (scripts/test.sh does)").toBe(true);
  });

  it(
    "draws both backends of every split route, and says that no alert is firing",
    async () => {
      const page = await check();
      expect(page.alertsPanel).toContain("No migration alert is firing or pending.");
      const linesOf = (routeId: string) =>
        page.routes
          .find((route) => route.routeId === routeId)!
          .graphs.map((graph) => graph.series.map((line) => line.name).sort());
      for (const routeId of SPLIT_ROUTE_IDS)
        expect(linesOf(routeId)).toEqual([
          ["failed over", "fastapi", "flask"],
          ["fastapi", "flask"],
          ["fastapi", "flask"],
          ["configured weight", "observed share"],
        ]);
      // A route that sends FastAPI nothing (api-orders-post-put-patch-delete) has Flask's lines and the weight only.
      const flaskOnly = ROUTE_IDS.filter((route) => !SPLIT_ROUTE_IDS.includes(route));
      expect(flaskOnly).toHaveLength(1);
      expect(linesOf(flaskOnly[0])).toEqual([["failed over", "flask"], ["flask"], ["flask"], ["configured weight"]]);
      expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe("PNG");
    },
    BROWSER_TEST_MS,
  );

  it(
    "lists an alert of the migration's rules as soon as Prometheus has it",
    async () => {
      writeSeries(2.5);
      docker("kill", "--signal", "HUP", run);
      await waitFor(
        "the p99 alert",
        async () =>
          (await query('ALERTS{alertname="MigrationFastapiLatencyP99AboveFlask"}')).length > 0 ? true : undefined,
        20_000,
        250,
      );
      const page = await check();
      expect(page.alertsPanel).not.toContain("No migration alert");
      for (const routeId of SPLIT_ROUTE_IDS)
        expect(page.alertsPanel).toContain(`MigrationFastapiLatencyP99AboveFlask pending ${routeId} warning`);
    },
    BROWSER_TEST_MS,
  );
});
