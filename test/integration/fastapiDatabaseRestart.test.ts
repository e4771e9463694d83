import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devPlatformConfig } from "../support/configs";
import { dockerAnswers, ENGINE_TESTS_REQUIRED, imageExists } from "../support/engineTests";
import { waitFor } from "../support/processes";

// FastAPI keeps a pool of database connections; a database restart kills every one of them while they sit idle in the
// pool. The next reads and writes must still be answered (the pool replaces what died) rather than fail with a 500
// each time one of them picks up a dead connection. Tested for real, without Pulumi: the dev stage's PostgreSQL and
// FastAPI images on a private network, the schema migrated by the FastAPI image's Alembic as the platform's migration
// job does it, then `docker restart` of the database. Skipped, saying why, where Docker or the images are missing,
// except under .ci/run, where it fails instead (see engineTests.ts).
const config = devPlatformConfig();
const FASTAPI_IMAGE = config.fastapi.image;
const POSTGRES_IMAGE = config.database.image;
/** Connections FastAPI opens as it starts (POOL_SIZE in apps/fastapi/fastapi_app/database.py). */
const WARM_POOL_CONNECTIONS = 10;
const REQUESTS_IN_A_ROW = 30;
const CONCURRENT_REQUESTS = 20;
const REQUEST_TIMEOUT_MS = 10_000;

const docker = dockerAnswers();
const missing = docker ? [FASTAPI_IMAGE, POSTGRES_IMAGE].filter((image) => !imageExists(image)) : [];
const skipReason = !docker
  ? "no Docker engine answers (scripts/docker/ensure-engine.sh starts one)"
  : missing.length > 0
    ? `missing images ${missing.join(", ")} (scripts/docker/build-images.sh builds them)`
    : "";
if (skipReason && ENGINE_TESTS_REQUIRED) throw new Error(`FastAPI's database restart cannot be tested: ${skipReason}`);
if (skipReason) console.warn(`FastAPI database restart skipped: ${skipReason}`);

const RUN = `fastapi-db-restart-${process.pid}-${randomBytes(3).toString("hex")}`;
const NETWORK = `${RUN}-net`;
const DATABASE = `${RUN}-postgres`;
const FASTAPI = `${RUN}-fastapi`;
const DATABASE_HOST = "postgres";
const PASSWORD = randomBytes(16).toString("hex");
const { name: DATABASE_NAME, user: DATABASE_USER } = config.database;
const DATABASE_URL = `postgresql+asyncpg://${DATABASE_USER}:${PASSWORD}@${DATABASE_HOST}:5432/${DATABASE_NAME}`;

function dockerCommand(args: readonly string[], timeoutMs = 60_000): string {
  const result = spawnSync("docker", args, { encoding: "utf8", timeout: timeoutMs });
  if (result.status !== 0)
    throw new Error(
      `docker ${args.slice(0, 2).join(" ")} failed (${result.status ?? result.signal}): ${result.stderr}`,
    );
  return result.stdout.trim();
}

/** SQL as the database's owner, over the container's local socket. */
const psql = (sql: string) =>
  dockerCommand(["exec", DATABASE, "psql", "-U", DATABASE_USER, "-d", DATABASE_NAME, "-tAc", sql]);

const databaseAcceptsConnections = () =>
  spawnSync("docker", ["exec", DATABASE, "pg_isready", "-h", "127.0.0.1", "-U", DATABASE_USER, "-d", DATABASE_NAME], {
    stdio: "ignore",
    timeout: 10_000,
  }).status === 0;

describe.skipIf(skipReason !== "")(
  `FastAPI across a database restart${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let baseUrl: string;
    let fastapiAddress: string;
    let userPath: string;

    /** The status of a request to FastAPI, or why there was none. */
    const request = async (path: string, init: RequestInit = {}): Promise<number | string> => {
      try {
        const response = await fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        await response.arrayBuffer();
        return response.status;
      } catch (error) {
        return `no response (${(error as Error).name})`;
      }
    };

    /** A read, or a write (a rename: 200 like the read), of the user created at the start. */
    const readOrRename = (index: number) =>
      index % 2 === 0
        ? request(userPath)
        : request(userPath, {
            method: "PATCH",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ name: `Restart ${index}` }),
          });

    /** FastAPI's open connections to the database, as the database counts them. */
    const fastapiConnections = () =>
      Number(psql(`SELECT count(*) FROM pg_stat_activity WHERE client_addr = '${fastapiAddress}'`));

    const waitForWarmPool = () =>
      waitFor(
        `FastAPI's pool to hold ${WARM_POOL_CONNECTIONS} connections`,
        async () => (fastapiConnections() >= WARM_POOL_CONNECTIONS ? true : undefined),
        30_000,
        250,
      );

    /**
     * Has FastAPI open every connection of its pool again. Reads that come one at a time, or quickly one after the
     * other, share one or two connections; but while a transaction of the test holds the users table, concurrent reads
     * wait on it, each on a connection of its own, until the pool is full. Then the transaction ends and they finish.
     */
    const refillPool = async () => {
      const holder = spawn("docker", ["exec", "-i", DATABASE, "psql", "-U", DATABASE_USER, "-d", DATABASE_NAME], {
        stdio: ["pipe", "ignore", "inherit"],
      });
      holder.stdin.write("BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE;\n");
      try {
        await waitFor(
          "the test's lock on the users table",
          async () =>
            psql(
              "SELECT count(*) FROM pg_locks WHERE relation = 'users'::regclass AND mode = 'AccessExclusiveLock' AND granted",
            ) === "1" || undefined,
          10_000,
          100,
        );
        const reads = Promise.all(Array.from({ length: CONCURRENT_REQUESTS }, () => request(userPath)));
        await waitForWarmPool();
        holder.stdin.end("COMMIT;\n");
        await reads;
      } finally {
        // Without the COMMIT (the lock never came), psql ends at the end of its input and the transaction is rolled back.
        if (!holder.stdin.writableEnded) holder.stdin.end();
        if (holder.exitCode === null) await once(holder, "exit");
      }
    };

    const waitUntilDatabaseAccepts = (what: string) =>
      waitFor(what, async () => databaseAcceptsConnections() || undefined, 60_000, 250);

    /**
     * `docker restart` of the database: the image's stop signal (a fast shutdown) closes every connection FastAPI
     * holds, then the same container, volume and address come back.
     */
    const restartDatabase = async () => {
      dockerCommand(["restart", DATABASE]);
      await waitUntilDatabaseAccepts("the database to accept connections again after its restart");
    };

    /** The test's verdict on a list of statuses, with FastAPI's last log lines when one of them is not a 200. */
    const expectAllOk = (statuses: readonly (number | string)[]) => {
      const failed = statuses.filter((status) => status !== 200);
      const logs = failed.length > 0 ? `\nFastAPI's last log lines:\n${dockerLogsTail(FASTAPI)}` : "";
      expect(failed, `statuses in order: ${statuses.join(" ")}${logs}`).toEqual([]);
    };

    beforeAll(async () => {
      dockerCommand(["network", "create", NETWORK]);
      dockerCommand([
        "run",
        "-d",
        "--name",
        DATABASE,
        "--network",
        NETWORK,
        "--network-alias",
        DATABASE_HOST,
        "-e",
        `POSTGRES_USER=${DATABASE_USER}`,
        "-e",
        `POSTGRES_DB=${DATABASE_NAME}`,
        "-e",
        `POSTGRES_PASSWORD=${PASSWORD}`,
        POSTGRES_IMAGE,
      ]);
      await waitUntilDatabaseAccepts("the database to accept connections");
      // The platform's migration job: the FastAPI image's Alembic, once, before FastAPI starts.
      dockerCommand(
        [
          "run",
          "--rm",
          "--network",
          NETWORK,
          "-e",
          `DATABASE_URL=${DATABASE_URL}`,
          FASTAPI_IMAGE,
          "alembic",
          "upgrade",
          "head",
        ],
        120_000,
      );
      // The platform's env, without its health probe (every 5 s): after a restart, the test's own requests must be the
      // first to meet the dead connections.
      dockerCommand([
        "run",
        "-d",
        "--name",
        FASTAPI,
        "--network",
        NETWORK,
        "-e",
        `DATABASE_URL=${DATABASE_URL}`,
        "-e",
        `PORT=${config.fastapi.port}`,
        "-e",
        "BACKEND_NAME=fastapi",
        "-p",
        `127.0.0.1::${config.fastapi.port}`,
        FASTAPI_IMAGE,
      ]);
      const published = dockerCommand(["port", FASTAPI, String(config.fastapi.port)]).split("\n")[0];
      baseUrl = `http://127.0.0.1:${published.split(":").pop()}`;
      fastapiAddress = dockerCommand([
        "inspect",
        "-f",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        FASTAPI,
      ]);
      await waitFor(
        "FastAPI's /healthz to answer 200",
        async () => ((await request("/healthz")) === 200 ? true : undefined),
        60_000,
        250,
      );
      await waitForWarmPool();
      const created = await fetch(`${baseUrl}/api/users`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `${RUN}@restart.test`, name: "Restart" }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      expect(created.status).toBe(201);
      userPath = `/api/users/${((await created.json()) as { id: number }).id}`;
    }, 180_000);

    afterAll(() => {
      spawnSync("docker", ["rm", "-f", "-v", FASTAPI, DATABASE], { stdio: "ignore", timeout: 60_000 });
      spawnSync("docker", ["network", "rm", NETWORK], { stdio: "ignore", timeout: 60_000 });
    });

    it(`answers ${REQUESTS_IN_A_ROW} reads and writes in a row after the restart, every one a 200`, async () => {
      await waitForWarmPool();
      await restartDatabase();
      const statuses: (number | string)[] = [];
      for (let index = 0; index < REQUESTS_IN_A_ROW; index++) statuses.push(await readOrRename(index));
      expectAllOk(statuses);
    }, 120_000);

    it(`answers ${CONCURRENT_REQUESTS} concurrent reads and writes after the restart, every one a 200`, async () => {
      // Refill the pool first (the requests in a row held one connection at a time), so that every concurrent request
      // below can be handed a connection that died with the restart.
      await refillPool();
      await restartDatabase();
      expectAllOk(await Promise.all(Array.from({ length: CONCURRENT_REQUESTS }, (_, index) => readOrRename(index))));
    }, 120_000);
  },
);

function dockerLogsTail(container: string): string {
  const logs = spawnSync("docker", ["logs", "--tail", "30", container], { encoding: "utf8", timeout: 10_000 });
  return `${logs.stdout}${logs.stderr}`;
}
