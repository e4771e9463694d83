import { execFileSync } from "node:child_process";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BARS } from "./bars";
import { convergeSeconds, settledAt } from "./convergence";
import { EXIT } from "../../cli/cliError";
import { parseDuration } from "../../infra/cutover/duration";
import { E2E_BACKUP_WINDOW, E2E_GATES, type E2EStacks, type TimedUpdate } from "./e2eStacks";
import { JOURNEYS, type JourneyKey, type JourneyUrls, type Step } from "./journeys";
import type { MigrationReport } from "../../infra/cutover/report";
import { saveCommandOutput } from "./commandOutput";
import { failedGates, gateOutcomes } from "./gateOutcomes";
import { awaitLogLines, logLines } from "./logLines";
import { checkMigrationPage } from "./migrationPage";
import {
  dashboardSeriesCounts,
  prometheusFailovers,
  prometheusFastapiShare,
  recordedBackends,
} from "./prometheusFigures";
import { E2EReport, type FaultEntry } from "./e2eReport";
import {
  allBackAndHealthy,
  bothAppsServeSince,
  crash,
  firstServedBy,
  postgresReady,
  restartEngine,
  runningContainers,
} from "./faults";
import { unreadableRows, writeRowsThroughBothApps, type WrittenRow } from "./rows";
import { workloadUse } from "./workloadUse";
import { sampleSplit, stickyClients } from "./splitSample";
import { type RouteLabel, SteadyLoad } from "./steadyLoad";
import { waitFor } from "../support/processes";
import { REPO_ROOT } from "../support/stackConfig";

/** Requests sent to each app with a marker, then looked for in VictoriaLogs. */
const LOG_REQUESTS_PER_APP = 20;
/** Steady traffic at one split before Prometheus's count is held against the load generator's. */
const MONITORING_HOLD_MS = 30_000;
const MONITORING_WINDOW_SECONDS = 25;
const OVERRIDE_HEADER = "X-Backend";
/** Index of each route in the dev stage's `routes`. */
const USERS_ROUTE = 0;
const ORDERS_ROUTE = 1;
/** How long the load keeps being observed after `pulumi up` returns, to see the split settle (bar: 3 s). */
const OBSERVE_AFTER_UP_MS = 6_000;
const ALL_ROUTES: RouteLabel[] = ["/api/users", "/api/orders", "default"];
/** How long both FastAPI replicas stay down before the gated advance is tried. */
const OUTAGE_MS = 25_000;
const GATE_WINDOW_MS = parseDuration(E2E_GATES.window);
/** A scrape and a rule evaluation (5 s each), twice over, before the recorded figures cover the window's last seconds. */
const RULE_LAG_MS = 20_000;
/** The gated advance on healthy traffic: one attempt, and two more should the latency gate alone refuse it. */
const HEALTHY_ADVANCE_ATTEMPTS = 3;

function refusedOnLatencyAlone(attempt: { exitCode: number | null; gates: Record<string, string> }): boolean {
  const failed = failedGates(attempt.gates);
  return attempt.exitCode === EXIT.refused && failed.length === 1 && failed[0] === "latencyP99";
}

/** How long a crashed container may take to be restarted by the engine and serve again. */
const CRASH_RECOVERY_MS = 60_000;
/** How long every container of both stacks may take to be back and healthy after the engine restarts. */
const ENGINE_RECOVERY_MS = 120_000;
/**
 * How long after a crash a POST may still reach the dead backend and get its error: Traefik marks it down within one
 * probe interval and timeout (0.5 + 1 s, a killed container's address stops answering), and a POST sent just before
 * then waits out the 1 s connect timeout. nginx sends a POST it could not connect for to FastAPI: only one it had
 * already sent to Flask fails.
 */
const POST_EXPOSURE_MS = 2_500;
/** Observed after a fault has recovered, so that its last failures are counted. */
const AFTER_RECOVERY_MS = 3_000;
/** Longer than Prometheus's scrape interval (5 s), so that its counters include everything up to now. */
const SCRAPE_WAIT_MS = 6_000;

const report = new E2EReport();
const share = (fastapi: number, requests: number) => (100 * fastapi) / requests;

afterAll(() => {
  const path = report.write();
  console.log(`\n${report.summary()}\n\nfigures written to ${path}`);
});

/** Whether a report entry is the given journey's. */
const sameJourney = (entry: JourneyKey, journey: JourneyKey) =>
  entry.target === journey.target && entry.ingress === journey.ingress;

// A journey that cannot run here has said why (and under .ci/run, failed instead).
for (const journey of JOURNEYS.filter((candidate) => candidate.skipReason === ""))
  describe(`the migration journey on ${journey.target} through ${journey.ingress}`, () => {
    const key: JourneyKey = { target: journey.target, ingress: journey.ingress };
    let stacks: E2EStacks;
    let urls: JourneyUrls;
    /** Every route's weight, once the rollback has put them all on one (0%, then 50% after the faults). */
    let everyRouteWeight = 0;
    let load: SteadyLoad | undefined;
    let seeded: WrittenRow[] = [];
    let platformUp: TimedUpdate;
    let legacyUp: TimedUpdate;
    let refusal = "";
    let refusedWhileRouted = false;
    let tornDown = false;
    let deployedFrom = 0;

    beforeAll(async () => {
      stacks = await journey.fresh();
      deployedFrom = Date.now();
      platformUp = await stacks.upPlatform();
      legacyUp = await stacks.upLegacy();
      urls = await journey.urls(stacks);
      seeded = await writeRowsThroughBothApps(urls.ingress, OVERRIDE_HEADER, 20);
    });

    afterAll(async () => {
      await load?.stop();
      if (stacks && !tornDown) await stacks.tearDown();
      journey.cleanUp();
      report.write();
    });

    /** A step the journey may skip: then skipped, with why in its name, so that the skipped list says so. */
    const step = (id: Step, name: string, body: () => Promise<void>) => {
      const reason = journey.skips[id];
      it.skipIf(reason !== undefined)(reason === undefined ? name : `${name} (skipped: ${reason})`, body);
    };

    /** The steady load the rest of the journey runs under, started once (by whichever test needs it first). */
    function startSteadyLoad() {
      load ??= new SteadyLoad(
        urls.ingress,
        seeded.filter((row) => row.kind === "users").map((row) => row.id),
      );
    }

    /** Sets the default weight and the given routes to `to`, previews, applies, and watches the load until the `watched` routes settle. */
    async function changeWeights(from: number, to: number, routeIndexes: number[], watched: RouteLabel[]) {
      const commandStartedAt = Date.now();
      await stacks.setWeights(to, routeIndexes);
      const preview = await stacks.previewPlatform();
      const startedAt = Date.now();
      const up = await stacks.upPlatform();
      return { up, preview, ...(await observe(from, to, watched, startedAt, commandStartedAt)) };
    }

    /**
     * Watches the load for a while after a change: when every `watched` route settled on `to` (looking at responses
     * since `settleFrom`), the failed requests since `failuresFrom`, and the written rows that cannot be read back.
     */
    async function observe(from: number, to: number, watched: RouteLabel[], settleFrom: number, failuresFrom: number) {
      await sleep(OBSERVE_AFTER_UP_MS);
      const settled = watched.map((route) => settledAt(load!.routeResponses(route, settleFrom), from, to, settleFrom));
      const allSettled = settled.every((at) => at !== undefined) ? Math.max(...(settled as number[])) : undefined;
      const window = load!.window(failuresFrom, Date.now());
      const unreadable = await unreadableRows(urls.ingress, seeded);
      return { allSettled, window, unreadable };
    }

    /** One advance, recorded in `weightChanges`; returns its `pulumi up`. */
    async function advance(from: number, to: number, routeIndexes: number[], watched: RouteLabel[]) {
      const step = await changeWeights(from, to, routeIndexes, watched);
      report.weightChanges.push({
        ...key,
        from,
        to,
        upSeconds: step.up.seconds,
        convergeSeconds: convergeSeconds(step.allSettled, step.up.returnedAt),
        failedRequests: step.window.failedRequests,
        totalRequests: step.window.totalRequests,
        failures: step.window.failures,
        preview: step.preview,
        unreadableRows: step.unreadable.length,
      });
      return step.up;
    }

    /**
     * Holds the current split under the steady load, then compares FastAPI's share per route as Prometheus counted it
     * (from the ingress's own metrics, as the recording rules do) with the load generator's count of the same seconds,
     * and records which backends every per-route recording rule has series for.
     */
    async function compareWithPrometheus() {
      await sleep(MONITORING_HOLD_MS);
      const until = Date.now();
      const since = until - MONITORING_WINDOW_SECONDS * 1000;
      for (const [route, routeId] of [
        ["/api/users", "api-users-get-head"],
        ["default", "default"],
      ] as const) {
        const responses = load!
          .routeResponses(route, since)
          .filter((response) => response.at <= until && response.backend !== undefined);
        const fastapi = responses.filter((response) => response.backend === "fastapi").length;
        report.monitoring.push({
          ...key,
          route,
          loadGeneratorShare: share(fastapi, responses.length),
          prometheusShare: await prometheusFastapiShare(
            urls.prometheus,
            journey.routeFigures,
            routeId,
            MONITORING_WINDOW_SECONDS,
          ),
          seconds: MONITORING_WINDOW_SECONDS,
          loadGeneratorRequests: responses.length,
        });
      }
      report.recordedSeries.push({ ...key, backendsBySeries: await recordedBackends(urls.prometheus) });
      // The routes the steady load reaches on both backends at this step.
      report.dashboardQueries.push({
        ...key,
        seriesByQuery: await dashboardSeriesCounts(urls.prometheus, ["api-users-get-head", "default"]),
      });
      // The page as a user opens it, in a real browser; it throws, naming the route and graph, if any line is missing.
      const page = await checkMigrationPage({
        prometheusUrl: urls.prometheus,
        routeIds: ["api-users-get-head", "api-orders-post-put-patch-delete", "default"],
        splitRouteIds: ["api-users-get-head", "default"],
        screenshotPath: join(REPO_ROOT, "reports", `e2e-${journey.name}-migration-page.png`),
      });
      report.migrationPage.push({
        ...key,
        url: page.url,
        alertsPanel: page.alertsPanel,
        graphs: Object.fromEntries(
          page.routes.map((route) => [
            route.routeId,
            Object.fromEntries(
              route.graphs.map((graph) => [graph.title, graph.series.map((line) => `${line.name} (${line.points})`)]),
            ),
          ]),
        ),
        screenshot: relative(REPO_ROOT, page.screenshotPath),
        loads: page.loads,
      });
    }

    it("passes the delivery pipeline's smoke tests through the ingress, each backend forced", async () => {
      const smoke = await stacks.cutover(["smoke"]);
      saveCommandOutput(`${journey.name}-smoke.txt`, smoke.output);
      expect(smoke.exitCode, smoke.output).toBe(0);
      expect(smoke.output).toMatch(/Smoke test passed: 8 of 8 checks passed\./);
    });

    it("splits each route by its weight, exactly at 0%, over 10,000 requests per route", async () => {
      const measured = [
        { route: "/api/users", configured: 10, request: { method: "GET" as const, path: "/api/users/1" } },
        // GET is not among the /api/orders route's methods, so it takes the default route.
        { route: "default", configured: 10, request: { method: "GET" as const, path: "/api/orders?per_page=1" } },
        // A request for a missing order: the 404 still names its backend, and nothing is written.
        { route: "/api/orders", configured: 0, request: { method: "DELETE" as const, path: "/api/orders/0" } },
      ];
      for (const { route, configured, request } of measured) {
        const count = await sampleSplit(urls.ingress, request, BARS.splitRequests);
        report.split.push({
          ...key,
          route,
          configured,
          observed: share(count.fastapi, count.requests),
          requests: count.requests,
          unattributed: count.unattributed,
        });
      }
      for (const entry of report.split.filter((entry) => sameJourney(entry, key))) {
        expect(entry.unattributed, entry.route).toBe(0);
        if (entry.configured === 0) expect(entry.observed, entry.route).toBe(0);
        else
          expect(Math.abs(entry.observed - entry.configured), entry.route).toBeLessThanOrEqual(
            BARS.splitTolerancePoints,
          );
      }
    });

    it("lets the override header pick the backend on every request, whatever the weight", async () => {
      const toFastapi = await sampleSplit(
        urls.ingress,
        { method: "DELETE", path: "/api/orders/0", headers: { [OVERRIDE_HEADER]: "fastapi" } },
        2_000,
      );
      const toFlask = await sampleSplit(
        urls.ingress,
        { method: "GET", path: "/api/users/1", headers: { [OVERRIDE_HEADER]: "flask" } },
        2_000,
      );
      report.split.push({
        ...key,
        route: "/api/orders + X-Backend: fastapi",
        configured: 100,
        observed: share(toFastapi.fastapi, toFastapi.requests),
        requests: toFastapi.requests,
        unattributed: toFastapi.unattributed,
      });
      report.split.push({
        ...key,
        route: "/api/users + X-Backend: flask",
        configured: 0,
        observed: share(toFlask.fastapi, toFlask.requests),
        requests: toFlask.requests,
        unattributed: toFlask.unattributed,
      });
      expect(toFastapi).toMatchObject({ fastapi: 2_000, flask: 0 });
      expect(toFlask).toMatchObject({ fastapi: 0, flask: 2_000 });
    });

    step("sticky", "keeps a client that returns its cookie on one backend", async () => {
      const clients = await stickyClients(urls.ingress, "/api/users/1", 20, 20);
      const onOne = clients.filter((served) => served.length === 1 && served[0] !== "unattributed").length;
      report.sticky.push({ ...key, clients: clients.length, clientsOnOneBackend: onOne });
      expect(onOne).toBe(clients.length);
    });

    step(
      "logs",
      "ships both apps' access lines and the ingress's own lines to VictoriaLogs, queryable by service",
      async () => {
        const marker = `e2e-${journey.name}-${Date.now()}`;
        const sentAt = Date.now() - 1_000;
        for (const backend of ["flask", "fastapi"]) {
          for (let request = 0; request < LOG_REQUESTS_PER_APP; request++) {
            await fetch(`${urls.ingress}/api/users/1?marker=${marker}`, { headers: { [OVERRIDE_HEADER]: backend } });
          }
        }
        const entry = {
          ...key,
          sentPerApp: LOG_REQUESTS_PER_APP,
          flaskLines: await awaitLogLines(urls.logs, `{service="flask"} "${marker}"`, sentAt, LOG_REQUESTS_PER_APP),
          fastapiLines: await awaitLogLines(urls.logs, `{service="fastapi"} "${marker}"`, sentAt, LOG_REQUESTS_PER_APP),
          ingressLines: await logLines(urls.logs, `{service="${journey.ingressLogService}"}`, deployedFrom),
        };
        report.logs.push(entry);
        expect(entry).toMatchObject({ flaskLines: LOG_REQUESTS_PER_APP, fastapiLines: LOG_REQUESTS_PER_APP });
        expect(entry.ingressLines).toBeGreaterThan(0);
      },
    );

    step(
      "gatedAdvance",
      "gates an advance on live metrics: refused while FastAPI is down, accepted once it has served as well as Flask for a whole window",
      async () => {
        startSteadyLoad();
        const advanceUsers = ["advance", "--route", "/api/users", "--reason", "e2e: gated advance"];
        const attempt = async (when: "fastapi down" | "healthy") => {
          const run = await stacks.cutover(advanceUsers);
          saveCommandOutput(`${journey.name}-advance-${when.replace(" ", "-")}.txt`, run.output);
          return { when, exitCode: run.exitCode, seconds: run.seconds, gates: gateOutcomes(run.output) };
        };

        const outage = await journey.faults.fastapiOutage(stacks);
        let whileDown: Awaited<ReturnType<typeof attempt>>;
        try {
          await sleep(OUTAGE_MS);
          whileDown = await attempt("fastapi down");
        } finally {
          await outage.restore();
        }
        // The gates judge the last window: wait until it holds no second of the outage. At the load's few FastAPI requests
        // a second, its p99 over a window rests on its three slowest requests, and two busy cores make one of them slow now
        // and then; a refusal on latency alone is tried again a window later, as the refusal tells a user to.
        await sleep(GATE_WINDOW_MS + RULE_LAG_MS);
        const healthyAttempts = [await attempt("healthy")];
        while (healthyAttempts.length < HEALTHY_ADVANCE_ATTEMPTS && refusedOnLatencyAlone(healthyAttempts.at(-1)!)) {
          await sleep(GATE_WINDOW_MS);
          healthyAttempts.push(await attempt("healthy"));
        }
        const healthy = healthyAttempts.at(-1)!;
        report.gatedAdvance.push({ ...key, route: "/api/users", attempts: [whileDown, ...healthyAttempts] });

        expect(whileDown.exitCode, "refused").toBe(EXIT.refused);
        const { gate, says } = journey.faults.outageNamedBy;
        expect(whileDown.gates[gate], `the ${gate} gate names the outage`).toMatch(says);
        const passed = expect.stringMatching(/^pass: /);
        expect(healthy.gates, "every gate passes on healthy traffic").toEqual({
          traffic: passed,
          errorRatio: passed,
          latencyP99: passed,
          bakeTime: passed,
          maxStep: passed,
        });
        expect(healthy.exitCode, "advanced, and the new split verified").toBe(EXIT.ok);

        // What the team sees afterwards: the table, and the report whose history has the step with its who and why.
        const status = await stacks.cutover(["status"]);
        saveCommandOutput(`${journey.name}-status.txt`, status.output);
        const markdown = await stacks.cutover(["report"]);
        saveCommandOutput(`${journey.name}-report.md`, markdown.output);
        const json = await stacks.cutover(["report", "--json"]);
        expect([status.exitCode, markdown.exitCode, json.exitCode]).toEqual([EXIT.ok, EXIT.ok, EXIT.ok]);
        // The output is stdout and stderr together: the document starts at its first brace.
        const history = (JSON.parse(json.output.slice(json.output.indexOf("{"))) as MigrationReport).history;
        expect(history.at(-1)).toMatchObject({
          action: "advance",
          whoSource: "cutover",
          why: "gates passed; e2e: gated advance",
          changes: [{ routeId: "api-users-get-head", from: 10, to: 50 }],
        });

        // The journey below starts from the dev stage's 10%.
        await stacks.setWeights(10, [USERS_ROUTE]);
        await stacks.upPlatform();
      },
    );

    it("advances 10 → 50 → 100 under steady load with no failed request, no replacement, every row readable, and Prometheus agreeing with the load", async () => {
      startSteadyLoad();
      await sleep(3_000);
      let from = 10;
      for (const to of [50, 100]) {
        await advance(from, to, [USERS_ROUTE], ["/api/users", "default"]);
        if (to === 50) await compareWithPrometheus();
        from = to;
      }
      for (const change of report.weightChanges.filter((entry) => sameJourney(entry, key))) {
        expect(change.failures, `${change.from} → ${change.to}`).toEqual({});
        // /api/users and the default route: their routing and Prometheus's weights updated in place (journeys.ts).
        expect(change.preview, `${change.from} → ${change.to}`).toEqual(journey.weightStepPreview(2));
        expect(change.upSeconds).toBeLessThanOrEqual(BARS.weightChangeUpSeconds);
        expect(change.convergeSeconds).toBeLessThanOrEqual(BARS.convergeSeconds);
        expect(change.unreadableRows).toBe(0);
      }
      for (const entry of report.monitoring.filter((candidate) => sameJourney(candidate, key))) {
        expect(
          Math.abs(entry.prometheusShare - entry.loadGeneratorShare),
          `${entry.route}: Prometheus vs load generator`,
        ).toBeLessThanOrEqual(BARS.splitTolerancePoints);
      }
      for (const [series, backends] of Object.entries(
        report.recordedSeries.find((entry) => sameJourney(entry, key))!.backendsBySeries,
      )) {
        expect(backends, series).toEqual(["fastapi", "flask"]);
      }
      for (const [expression, series] of Object.entries(
        report.dashboardQueries.find((entry) => sameJourney(entry, key))!.seriesByQuery,
      )) {
        expect(series, `dashboard query ${expression}`).toBeGreaterThan(0);
      }
      const atFull = await sampleSplit(urls.ingress, { method: "GET", path: "/api/users/1" }, BARS.splitRequests);
      report.split.push({
        ...key,
        route: "/api/users",
        configured: 100,
        observed: share(atFull.fastapi, atFull.requests),
        requests: atFull.requests,
        unattributed: atFull.unattributed,
      });
      expect(atFull).toMatchObject({ fastapi: BARS.splitRequests, flask: 0 });
      report.workloadUse.push({
        ...key,
        ...workloadUse(await journey.workloadCgroups(stacks)),
        secondsSinceDeploy: (Date.now() - deployedFrom) / 1000,
      });
    });

    step(
      "rollout",
      "rolls FastAPI to a new image tag under the steady load (/api/users and the default route at 100%), with no failed request",
      async () => {
        const image = journey.newFastapiImage!();
        const startedAt = Date.now();
        await stacks.platform.setConfig("migration:fastapi.image", { value: image }, true);
        const up = await stacks.upPlatform();
        await sleep(AFTER_RECOVERY_MS);
        const window = load!.window(startedAt, Date.now());
        report.rollout.push({ ...key, image, upSeconds: up.seconds, ...window });
        expect(window.failures).toEqual({});
        expect(await unreadableRows(urls.ingress, seeded)).toEqual([]);
      },
    );

    step(
      "rollback",
      "rolls every route back to 0% FastAPI with the cutover command within the bar, with no failed request",
      async () => {
        const commandStartedAt = Date.now();
        const command = await stacks.cutover(["rollback", "--reason", "e2e: rollback under load"]);
        expect(command.exitCode, command.output).toBe(EXIT.ok);
        const { allSettled, window, unreadable } = await observe(
          100,
          0,
          ALL_ROUTES,
          commandStartedAt,
          commandStartedAt,
        );
        const entry = {
          ...key,
          seconds: allSettled === undefined ? Number.POSITIVE_INFINITY : (allSettled - commandStartedAt) / 1000,
          commandSeconds: command.seconds,
          failedRequests: window.failedRequests,
          totalRequests: window.totalRequests,
          failures: window.failures,
        };
        report.rollback.push(entry);
        expect(entry.failures).toEqual({});
        expect(entry.seconds).toBeLessThanOrEqual(BARS.rollbackSeconds);
        expect(unreadable).toEqual([]);
      },
    );

    step(
      "refuseDecommission",
      "refuses to decommission Flask while any route still reaches it, and leaves Flask serving",
      async () => {
        const message = await stacks.destroyLegacy().then(
          () => "",
          (error: Error) => error.message,
        );
        refusal = message.match(/Refusing to decommission Flask[^\n]*/)?.[0] ?? message.slice(-500);
        const flaskStillServes = await sampleSplit(
          urls.ingress,
          { method: "GET", path: "/api/users/1", headers: { [OVERRIDE_HEADER]: "flask" } },
          200,
        );
        refusedWhileRouted = refusal.startsWith("Refusing to decommission Flask") && flaskStillServes.flask === 200;
        expect(refusal).toMatch(/^Refusing to decommission Flask/);
        expect(flaskStillServes.flask).toBe(200);
      },
    );

    /** Records one fault's figures from its crash to a few seconds after it recovered. */
    async function recordFault(
      fault: string,
      crashedAt: number,
      recoveredAt: number,
      bystanders: readonly string[],
      restartsBefore: readonly number[],
      extra: Partial<FaultEntry> = {},
    ): Promise<FaultEntry> {
      await sleep(AFTER_RECOVERY_MS);
      const to = Date.now();
      // Prometheus scrapes the ingress every 5 s: wait for a scrape after `to`, and count over a little more than the
      // fault's window (failovers happen only while a backend is failing, so the margin adds none).
      await sleep(SCRAPE_WAIT_MS);
      const failovers = await prometheusFailovers(
        urls.prometheus,
        journey.routeFigures,
        Math.ceil((Date.now() - crashedAt) / 1000) + 5,
      );
      const restartsAfter = await Promise.all(bystanders.map(journey.faults.restartCount));
      const rows = [...seeded, ...load!.created];
      const unreadable = await unreadableRows(urls.ingress, rows, { [OVERRIDE_HEADER]: "fastapi" });
      const entry: FaultEntry = {
        ...key,
        fault,
        byMethod: load!.byMethod(crashedAt, to),
        noResponse: load!.unansweredCount(crashedAt, to),
        postsExposedToCrash: load!.byMethod(crashedAt, crashedAt + POST_EXPOSURE_MS).POST.total,
        failovers,
        recoverySeconds: (recoveredAt - crashedAt) / 1000,
        failuresAfterRecovery: load!.window(recoveredAt, to).failures,
        bystanderRestarts: restartsAfter.reduce((sum, count, index) => sum + count - restartsBefore[index], 0),
        rowsBefore: rows.length,
        rowsAfter: rows.length - unreadable.length,
        ...extra,
      };
      report.faults.push(entry);
      return entry;
    }

    step(
      "appFaults",
      `recovers at 50% under the steady load from a FastAPI replica's ${journey.faults.kill} without a failed GET, and from Flask's; no row lost`,
      async () => {
        await advance(0, 50, [USERS_ROUTE, ORDERS_ROUTE], ALL_ROUTES);
        everyRouteWeight = 50;
        const { kill, killReplica, restartCount, fastapiBack, otherBackendTakesOver } = journey.faults;
        const { fastapi, flask } = await journey.faults.replicas(stacks);

        const others = [...fastapi.slice(1), ...flask];
        let restarts = await Promise.all(others.map(restartCount));
        let crashedAt = await killReplica(fastapi[0]);
        const replica = await recordFault(
          `FastAPI replica ${kill}`,
          crashedAt,
          await fastapiBack(fastapi[0], crashedAt, CRASH_RECOVERY_MS),
          others,
          restarts,
        );

        const fastapiNow = (await journey.faults.replicas(stacks)).fastapi;
        restarts = await Promise.all(fastapiNow.map(restartCount));
        crashedAt = await killReplica(flask[0]);
        const flaskLive = await journey.faults.flaskLiveSince(flask[0], crashedAt, CRASH_RECOVERY_MS);
        const flaskBack = await waitFor(
          "Flask serving again",
          async () => firstServedBy(load!.responses, "flask", flaskLive),
          CRASH_RECOVERY_MS,
          200,
        );
        const flaskEntry = await recordFault(
          `Flask ${kill} (its only replica)`,
          crashedAt,
          flaskBack,
          fastapiNow,
          restarts,
        );

        for (const entry of [replica, flaskEntry]) {
          expect(entry.rowsAfter, entry.fault).toBe(entry.rowsBefore);
          expect(entry.bystanderRestarts, entry.fault).toBe(0);
        }
        // A FastAPI replica's death costs no GET, not even one in flight on it: the ingress sends it again, to the other
        // replica (or backend).
        expect(replica.byMethod.GET.failed, replica.fault).toBe(0);
        expect(replica.noResponse, replica.fault).toBe(0);
        // Flask's, where the other backend takes over, at most the POSTs sent before the ingress could know it was down
        // (never sent twice), and none once Flask serves again. Elsewhere Flask's share fails until its replacement
        // serves: counted, with what still failed after it (on Traefik's CRDs a few requests do, not yet explained).
        if (otherBackendTakesOver) {
          expect(flaskEntry.byMethod.GET.failed, flaskEntry.fault).toBe(0);
          expect(flaskEntry.noResponse, flaskEntry.fault).toBe(0);
          expect(flaskEntry.byMethod.POST.failed, flaskEntry.fault).toBeLessThanOrEqual(flaskEntry.postsExposedToCrash);
          expect(flaskEntry.failuresAfterRecovery, flaskEntry.fault).toEqual({});
        }
      },
    );

    step(
      "engineFaults",
      "recovers from PostgreSQL's crash and the engine's restart at 50% under the steady load; no row lost",
      async () => {
        const { fastapi, flask } = await journey.faults.replicas(stacks);
        const databaseVolume = await stacks.platformOutput<string>("databaseVolume");
        const database = execFileSync("docker", ["ps", "--quiet", "--filter", `volume=${databaseVolume}`], {
          encoding: "utf8",
        })
          .trim()
          .split("\n")[0];

        const apps = [...fastapi, ...flask];
        const restarts = await Promise.all(apps.map(journey.faults.restartCount));
        const crashedAt = await crash(database);
        const databaseBack = await postgresReady(database, CRASH_RECOVERY_MS);
        const bothServe = await bothAppsServeSince(load!, databaseBack, "PostgreSQL's crash", CRASH_RECOVERY_MS);
        const databaseEntry = await recordFault("PostgreSQL crash", crashedAt, bothServe, apps, restarts, {
          appsBackAfterDatabaseSeconds: Math.max(0, bothServe - databaseBack) / 1000,
        });
        // Failures only while PostgreSQL was down or the apps reconnecting, none once both serve again.
        const afterDatabase = load!.window(bothServe, Date.now());

        const everyContainer = await runningContainers();
        const engine = await restartEngine();
        const allBack = await allBackAndHealthy(everyContainer, ENGINE_RECOVERY_MS);
        const bothServeAgain = await bothAppsServeSince(
          load!,
          engine.startedAt,
          "the engine's restart",
          ENGINE_RECOVERY_MS,
        );
        const engineEntry = await recordFault(
          "Docker engine restart",
          engine.stoppedAt,
          Math.max(allBack, bothServeAgain),
          [],
          [],
          { containersBackAfterEngineSeconds: (allBack - engine.startedAt) / 1000 },
        );

        for (const entry of [databaseEntry, engineEntry]) {
          expect(entry.rowsAfter, entry.fault).toBe(entry.rowsBefore);
          expect(entry.bystanderRestarts, entry.fault).toBe(0);
        }
        expect(databaseEntry.appsBackAfterDatabaseSeconds).toBeLessThanOrEqual(BARS.appsBackAfterDatabaseSeconds);
        expect(afterDatabase.failures).toEqual({});
        expect(engineEntry.containersBackAfterEngineSeconds).toBeLessThanOrEqual(BARS.containersBackAfterEngineSeconds);
      },
    );

    step(
      "decommission",
      "decommissions Flask once every route is on FastAPI and its backup window is over: no failed request, every row readable through FastAPI",
      async () => {
        // From the 50% the faults left, or from the rollback's 0% where they do not run, in steps of the stage's maxStep.
        if (everyRouteWeight < 50) await advance(everyRouteWeight, 50, [USERS_ROUTE, ORDERS_ROUTE], ALL_ROUTES);
        const lastStepReturnedAt = (await advance(50, 100, [USERS_ROUTE, ORDERS_ROUTE], ALL_ROUTES)).returnedAt;
        const inWindow = await stacks.destroyLegacy().then(
          () => "",
          (error: Error) => error.message,
        );
        const windowRefusal =
          inWindow.match(/Refusing to decommission Flask: Flask is the backup until[^\n]*/)?.[0] ??
          inWindow.slice(-500);
        expect(windowRefusal).toMatch(/^Refusing to decommission Flask: Flask is the backup until /);
        // The date the refusal names, from the platform's history: wait until then, and the destroy is allowed.
        const check = await stacks.cutover(["can-decommission", "--json"]);
        const until = Date.parse((JSON.parse(check.output) as { backup: { until: string } }).backup.until);
        await sleep(Math.max(0, until - Date.now()) + 1_000);
        const rows = [...seeded, ...load!.created];
        const startedAt = Date.now();
        const destroy = await stacks.destroyLegacy();
        await sleep(3_000);
        const window = load!.window(startedAt, Date.now());
        const unreadable = await unreadableRows(urls.ingress, rows, { [OVERRIDE_HEADER]: "fastapi" });
        report.decommission.push({
          ...key,
          refusedWhileRouted,
          refusal,
          refusedInWindow: windowRefusal.startsWith("Refusing to decommission Flask: Flask is the backup until"),
          windowRefusal,
          backupWindow: E2E_BACKUP_WINDOW,
          allowedAfterSeconds: (startedAt - lastStepReturnedAt) / 1000,
          destroySeconds: destroy.seconds,
          ...window,
          rowsBefore: rows.length,
          rowsAfter: rows.length - unreadable.length,
        });
        expect(window.failures).toEqual({});
        expect(unreadable).toEqual([]);
        for (const change of report.weightChanges.filter(
          (candidate) => sameJourney(candidate, key) && candidate.from === 0,
        ))
          expect(change.failures).toEqual({});
      },
    );

    step("decommission", "passes the smoke tests after Flask is gone, its checks skipped with the reason", async () => {
      const smoke = await stacks.cutover(["smoke"]);
      saveCommandOutput(`${journey.name}-smoke-after-decommission.txt`, smoke.output);
      expect(smoke.exitCode, smoke.output).toBe(0);
      expect(smoke.output).toMatch(/Smoke test passed: 4 of 8 checks passed, 4 skipped\./);
    });

    it("destroys the platform and removes the database volume, as the dev stage's policy says", async () => {
      await load?.stop();
      load = undefined;
      tornDown = true;
      await stacks.tearDown();
      const volumeGone = journey.databaseVolumeGone();
      report.lifecycle.push({
        ...key,
        platformUpSeconds: platformUp.seconds,
        legacyUpSeconds: legacyUp.seconds,
        databaseVolumeRemovedOnDestroy: volumeGone,
      });
      expect(volumeGone).toBe(true);
    });
  });
