import { join } from "node:path";
import { APPS, devApps, withPinnedApps, type App } from "./appsStack";
import { APPS_BAR, appsTable, compareApps, type AppsRuns } from "./appsVerdict";
import type { SectionOutcome } from "./benchSection";
import { APP_CPU, CLIENT_CPU } from "./cpuPlacement";
import { wrk, type WrkFigures } from "./wrk";

/**
 * The apps section of `npm run bench`: Flask and FastAPI as the platform runs them (one dev-like stack, so each image's
 * own command and the env the platform gives it: gunicorn's gthread worker and threads, uvicorn's one process), one
 * replica each, reached straight at their container addresses. Both are pinned to the same single core, the database
 * and wrk to the other, and each is sent closed-loop load of the contract's reads and writes at each concurrency. The
 * two apps alternate within every round (which goes first alternates too), so both see the same machine noise and the
 * same growth of the tables they share; figures are medians of the rounds. At every concurrency FastAPI must serve at
 * least Flask's requests/s at no more than Flask's p99, with no failed request.
 */
const CONNECTIONS = [1, 8, 32] as const;
const ROUNDS = 5;
const SECONDS_PER_RUN = 10;
const WARM_UP = { connections: 32, seconds: 5 };
/** A queued request counts in p99 as slow, not as a wrk timeout (wrk's default, 2 s, would call it a failure). */
const TIMEOUT_SECONDS = 10;
/**
 * Shares out of 20 (appsMix.lua draws them at random): reads 70% (a user, a page of users, an order, a user's orders),
 * writes 30% (a new user with a unique email, a rename, a new order). Every one answers 2xx: none is expected to fail.
 */
const REQUEST_MIX = {
  getUser: 6,
  listUsers: 2,
  getOrder: 4,
  listUserOrders: 2,
  createUser: 2,
  renameUser: 2,
  createOrder: 2,
} as const;
/** Rows the reads, renames and new orders use; each seeded user has one order. */
const SEEDED_USERS = 100;
const MIX_SCRIPT = join(__dirname, "appsMix.lua");
/** REQUEST_MIX as appsMix.lua reads it: `getUser=6,listUsers=2,...`. */
const MIX_ARGUMENT = Object.entries(REQUEST_MIX)
  .map(([name, share]) => `${name}=${share}`)
  .join(",");

interface SeededRows {
  readonly userIds: readonly number[];
  readonly orderIds: readonly number[];
}

async function created(baseUrl: string, path: string, body: object): Promise<number> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201)
    throw new Error(`seeding the benchmark's rows: POST ${path} answered ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

/** Users and their orders, written once: both apps read and change the same rows of the one shared database. */
async function seedRows(baseUrl: string, runId: string): Promise<SeededRows> {
  const userIds: number[] = [];
  const orderIds: number[] = [];
  for (let index = 0; index < SEEDED_USERS; index++) {
    const userId = await created(baseUrl, "/api/users", { email: `seed-${runId}-${index}@bench.test`, name: "Seed" });
    userIds.push(userId);
    orderIds.push(
      await created(baseUrl, "/api/orders", { user_id: userId, item: "Seed", quantity: 1, total_cents: 100 }),
    );
  }
  return { userIds, orderIds };
}

export async function benchApps(): Promise<SectionOutcome> {
  const config = devApps();
  const startedAt = Date.now().toString(36);
  const runs = Object.fromEntries(
    APPS.map((app) => [app, Object.fromEntries(CONNECTIONS.map((connections) => [connections, [] as WrkFigures[]]))]),
  ) as AppsRuns;

  await withPinnedApps(config, async (baseUrls) => {
    const seeded = await seedRows(baseUrls.fastapi, startedAt);
    const measure = (app: App, connections: number, seconds: number, runId: string) =>
      wrk({
        url: baseUrls[app],
        threads: 1,
        connections,
        seconds,
        timeoutSeconds: TIMEOUT_SECONDS,
        script: MIX_SCRIPT,
        scriptArgs: [
          `${startedAt}-${runId}-${app}-${connections}`,
          MIX_ARGUMENT,
          seeded.userIds.join(","),
          seeded.orderIds.join(","),
        ],
      });
    // Warm-up: connection pools filled, first-request costs paid.
    for (const app of APPS) measure(app, WARM_UP.connections, WARM_UP.seconds, "warm-up");
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? APPS : [...APPS].reverse();
      for (const connections of CONNECTIONS)
        for (const app of order) runs[app][connections].push(measure(app, connections, SECONDS_PER_RUN, `r${round}`));
      const figures = CONNECTIONS.map(
        (connections) =>
          `${connections} conn ${APPS.map((app) => `${app} ${runs[app][connections].at(-1)!.requestsPerSecond.toFixed(0)}`).join(" / ")}`,
      );
      console.log(`  apps round ${round}/${ROUNDS} (req/s): ${figures.join(", ")}`);
    }
  });

  const results = CONNECTIONS.map((connections) => compareApps(runs, connections));
  const report = {
    settings: {
      tool: "wrk (closed loop)",
      apps: "each image's default command and the platform's env (stack bench-apps), one replica, direct",
      images: { flask: config.flask.image, fastapi: config.fastapi.image },
      appsCpu: APP_CPU,
      databaseAndClientCpu: CLIENT_CPU,
      connections: CONNECTIONS,
      wrkThreads: 1,
      requestMix: { ...REQUEST_MIX, script: "test/bench/appsMix.lua" },
      seededUsers: SEEDED_USERS,
      secondsPerRun: SECONDS_PER_RUN,
      rounds: ROUNDS,
      order: "alternating: each round runs both apps at each concurrency, the first app swapping every round",
      figures: "median of the rounds; failed is the sum over every round",
    },
    bar: APPS_BAR,
    results,
    runs,
  };
  const missed = results.flatMap((result) =>
    result.misses.map((miss) => `apps, ${result.connections} connections: ${miss}`),
  );
  return { report, table: appsTable(results), missed };
}
