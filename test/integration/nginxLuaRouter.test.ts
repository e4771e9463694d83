import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket as TcpSocket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_SECONDS } from "../../infra/monitoring/latencyBuckets";
import type { FailoverBudget } from "../../infra/render/failoverBudget";
import { renderNginxConfig, type NginxLayout } from "../../infra/render/nginx/nginxConfig";
import { CONTAINER_LAYOUT, LUA_FILES, readLuaFile } from "../../infra/render/nginx/nginxIngress";
import { renderNginxRouting } from "../../infra/render/nginx/routingDocument";
import {
  APP_HEALTH_PATH,
  buildRoutingPlan,
  SERVED_BY_HEADER,
  type BackendServers,
  type RoutingPlan,
} from "../../infra/routing/plan";
import type { WeightedRoute } from "../../infra/routing/route";
import { devPlatformConfig } from "../support/configs";
import { freePort, startNamedBackend, waitFor } from "../support/processes";
import { caseName, expectedReply, planFor, ROUTE_MATCHING_CASES, sendCase } from "../support/routeMatchingCases";

// Real nginx with Debian's Lua module, real HTTP; its metrics page checked by Prometheus's own promtool. scripts/test.sh
// installs these packages when they are missing.
const NGINX = "/usr/sbin/nginx";
const MODULES = "/usr/lib/nginx/modules";
const PROMTOOL = "/usr/bin/promtool";
const missing = [
  NGINX,
  `${MODULES}/ngx_http_lua_module.so`,
  "/usr/lib/x86_64-linux-gnu/lua/5.1/cjson.so",
  PROMTOOL,
].filter((path) => !existsSync(path));

/** Short enough that a test waits on a hung backend for a second; each stand-in answers in a millisecond. */
const TEST_UPSTREAM_TIMEOUTS = { connectSeconds: 1, responseSeconds: 1, idleSeconds: 1 };

/** What a decommissioned stack's replica name resolves to: nothing. */
const UNRESOLVABLE_FLASK = "flask-decommissioned.invalid:5000";

interface Reply {
  readonly backend: string;
  readonly servedBy: string | null;
  readonly cookies: string[];
}

interface Outcome {
  readonly status: number;
  readonly servedBy: string | null;
  readonly cookies: string[];
}

/**
 * A stand-in backend that counts the requests that reached it, by method, and keeps their bodies. It sends no
 * X-App-Backend of its own.
 */
async function startCountingBackend(name: string) {
  const backend = await startNamedBackend(name);
  const received: Record<string, number> = {};
  const bodies: string[] = [];
  backend.server.on("request", (request: IncomingMessage) => {
    received[request.method!] = (received[request.method!] ?? 0) + 1;
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk));
    request.on("end", () => body !== "" && bodies.push(body));
  });
  return { ...backend, received, bodies };
}

/**
 * A backend that accepts connections but never answers a request: it reads it and waits (`hang`, a hung app), or drops
 * the connection as it arrives (`reset`, an app that died with the request in hand).
 */
async function startBrokenBackend(
  onRequest: "hang" | "reset",
): Promise<{ server: TcpServer; address: string; close: () => void }> {
  const sockets: TcpSocket[] = [];
  const server = createTcpServer((socket) => {
    sockets.push(socket);
    if (onRequest === "reset") socket.once("data", () => socket.resetAndDestroy());
    else socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    server,
    address: `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** A replica name the stand-in DNS server knows, and the address it gives for it. */
const KNOWN_REPLICA = { name: "fastapi-0.replicas.test", address: "127.0.0.1" };
/** Names the stand-in DNS server starts to know during a test, at KNOWN_REPLICA's address: a backend deployed later. */
const namesLearnedLater = new Set<string>();

/** The name a DNS query asks about: its labels, from the end of the 12-byte header to the zero byte. */
function queriedName(query: Buffer): string {
  const labels: string[] = [];
  for (let at = 12; query[at] !== 0; at += 1 + query[at])
    labels.push(query.toString("latin1", at + 1, at + 1 + query[at]));
  return labels.join(".");
}

/**
 * A DNS server that knows only KNOWN_REPLICA: every other query gets NXDOMAIN, which is what Docker's DNS answers for
 * the replicas of a destroyed stack. The router's queries carry one question and no other record, so an answer is the
 * query with a new header, and for the known name one A record pointing back at the question.
 */
async function startResolver(): Promise<{ socket: Socket; address: string }> {
  const socket = createSocket("udp4");
  socket.on("message", (query, client) => {
    const known = queriedName(query) === KNOWN_REPLICA.name || namesLearnedLater.has(queriedName(query));
    const header = Buffer.from(query.subarray(0, 12));
    header.writeUInt16BE(known ? 0x8180 : 0x8183, 2); // a response, recursion desired and available; NOERROR or NXDOMAIN
    header.writeUInt16BE(known ? 1 : 0, 6); // answers
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    record.writeUInt16BE(1, 2); // type A
    record.writeUInt16BE(1, 4); // class IN
    record.writeUInt32BE(600, 6); // time to live, as Docker's DNS gives
    record.writeUInt16BE(4, 10);
    KNOWN_REPLICA.address.split(".").forEach((byte, index) => record.writeUInt8(Number(byte), 12 + index));
    const answer = Buffer.concat([header, query.subarray(12), ...(known ? [record] : [])]);
    socket.send(answer, client.port, client.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { socket, address: `127.0.0.1:${socket.address().port}` };
}

/** The value of one series on a Prometheus text page, e.g. `name{label="x"}`; undefined when it is not there. */
function sampleOf(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Waits until the next wall-clock second has just begun, so that a burst falls within one second of the budget. */
async function startOfNextSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 50);
}

describe("the nginx flavour, running", () => {
  let workDir: string;
  let layout: NginxLayout;
  let nginx: ChildProcess;
  let errorLog = "";
  let backends: { fastapi: { server: Server; address: string }; flask: { server: Server; address: string } };
  let resolver: { socket: Socket; address: string };

  const standInServers = () => ({
    fastapi: { servers: [backends.fastapi.address] },
    flask: { servers: [backends.flask.address] },
  });

  /** Returns the routing's version, which each worker logs when it loads it. */
  const publishPlan = (plan: RoutingPlan, budget?: FailoverBudget): string => {
    const routing = renderNginxRouting(plan, budget);
    // The same atomic swap the Docker publisher does: write aside, then rename over.
    const staging = `${layout.routingFile}.tmp`;
    writeFileSync(staging, routing, { mode: 0o644 });
    renameSync(staging, layout.routingFile);
    return (JSON.parse(routing) as { version: string }).version;
  };

  const workerCount = (): number => {
    const masterPid = readFileSync(layout.pidFile, "utf8").trim();
    return execFileSync("pgrep", ["-P", masterPid], { encoding: "utf8" }).trim().split("\n").length;
  };

  /** Publishes, then waits until every worker (each polls the routing file on its own) has logged loading it. */
  const publishToEveryWorker = async (plan: RoutingPlan, budget?: FailoverBudget): Promise<void> => {
    const logBefore = errorLog.length;
    const version = publishPlan(plan, budget);
    const workers = workerCount();
    await waitFor(`routing ${version} in all ${workers} workers`, async () =>
      errorLog.slice(logBefore).split(`migration: routing ${version} loaded`).length - 1 >= workers ? true : undefined,
    );
  };

  const send = async (path: string, init: RequestInit = {}): Promise<Outcome> => {
    const response = await fetch(`http://127.0.0.1:${layout.httpPort}${path}`, init);
    await response.arrayBuffer();
    return {
      status: response.status,
      servedBy: response.headers.get(SERVED_BY_HEADER),
      cookies: response.headers.getSetCookie(),
    };
  };

  /**
   * The metrics page once it has settled: nginx counts a request in its log phase, after the client already has the
   * answer, and each worker adds its counts to the page at every routing poll, so a page read right after the last
   * answer may not count it yet; two reads a poll apart that agree have.
   */
  const metricsPage = async () => {
    const read = async () => (await fetch(`http://127.0.0.1:${layout.metricsPort}/metrics`)).text();
    let previous = await read();
    for (let reads = 0; reads < 40; reads++) {
      await sleep(layout.routingPollSeconds * 1000 + 50);
      const current = await read();
      if (current === previous) return current;
      previous = current;
    }
    return previous;
  };

  const publish = (routes: WeightedRoute[], defaultWeight: number) =>
    publishPlan(buildRoutingPlan({ routes, defaultWeight }, devPlatformConfig(), standInServers()));

  /** Publishes, and waits until every worker has loaded it (see publishToEveryWorker). */
  const publishEverywhere = (routes: WeightedRoute[], defaultWeight: number) =>
    publishToEveryWorker(buildRoutingPlan({ routes, defaultWeight }, devPlatformConfig(), standInServers()));

  const request = async (path: string, init: RequestInit = {}): Promise<Reply> => {
    const response = await fetch(`http://127.0.0.1:${layout.httpPort}${path}`, init);
    const body = (await response.json()) as { backend: string };
    expect(response.status).toBe(200);
    return {
      backend: body.backend,
      servedBy: response.headers.get(SERVED_BY_HEADER),
      cookies: response.headers.getSetCookie(),
    };
  };

  const countFastapi = async (path: string, requests: number, init: RequestInit = {}) => {
    let fastapi = 0;
    for (let i = 0; i < requests; i++) if ((await request(path, init)).backend === "fastapi") fastapi++;
    return fastapi;
  };

  beforeAll(async () => {
    expect(missing, "install nginx-light libnginx-mod-http-lua lua-cjson prometheus (scripts/test.sh does)").toEqual(
      [],
    );
    backends = {
      // Sends no X-App-Backend, so that the one on its answers is nginx's.
      fastapi: await startNamedBackend("fastapi"),
      // Names itself, as the apps do: one value on its answers, not two, is nginx's header replacing the app's.
      // The legacy app sets its own session cookie; the sticky cookie must be added beside it, not replace it.
      flask: await startNamedBackend("flask", {
        [SERVED_BY_HEADER]: "flask",
        "Set-Cookie": "session=legacy; Path=/",
      }),
    };
    resolver = await startResolver();
    workDir = mkdtempSync(join(tmpdir(), "nginx-migration-"));
    chmodSync(workDir, 0o755); // nginx workers run unprivileged and must read the Lua router and routing file
    layout = {
      modulesDirectory: MODULES,
      luaDirectory: workDir,
      routingFile: join(workDir, "routing.json"),
      pidFile: join(workDir, "nginx.pid"),
      httpPort: await freePort(),
      metricsPort: await freePort(),
      routingPollSeconds: 0.2,
      resolver: resolver.address,
      upstreamTimeouts: TEST_UPSTREAM_TIMEOUTS,
    };
    for (const file of LUA_FILES) writeFileSync(join(workDir, file), readLuaFile(file), { mode: 0o644 });
    writeFileSync(join(workDir, "nginx.conf"), renderNginxConfig(layout));
    publish(
      [
        { path: "/api/users", methods: ["GET"], weight: 10 },
        { path: "/api/orders", weight: 0 },
        { path: "/api/reports", weight: 100 },
      ],
      10,
    );
    nginx = spawn(NGINX, ["-p", workDir, "-e", "stderr", "-c", join(workDir, "nginx.conf"), "-g", "daemon off;"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    nginx.stderr!.on("data", (chunk) => (errorLog += chunk));
    await waitFor("nginx to answer its health check", async () =>
      (await fetch(`http://127.0.0.1:${layout.metricsPort}/healthz`)).ok ? true : undefined,
    );
  });

  afterAll(async () => {
    nginx?.kill("SIGQUIT");
    await new Promise((resolve) => nginx?.once("exit", resolve));
    backends?.fastapi.server.close();
    backends?.flask.server.close();
    resolver?.socket.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("accepts the production nginx.conf (nginx -t)", () => {
    const file = join(workDir, "container-nginx.conf");
    writeFileSync(file, renderNginxConfig(CONTAINER_LAYOUT));
    expect(() =>
      execFileSync(NGINX, ["-t", "-q", "-p", workDir, "-e", "stderr", "-c", file], { stdio: "pipe" }),
    ).not.toThrow();
  });

  it("names the backend that served every response itself, replacing the app's own header", async () => {
    for (let i = 0; i < 20; i++) {
      const reply = await request("/api/users");
      expect(reply.servedBy).toBe(reply.backend);
    }
  });

  it("splits a route by its weight", async () => {
    const fastapi = await countFastapi("/api/users/7", 1000);
    expect(Math.abs(fastapi - 100)).toBeLessThanOrEqual(10);
  });

  it("splits paths that match no route by the default weight", async () => {
    const fastapi = await countFastapi("/somewhere/else", 1000);
    expect(Math.abs(fastapi - 100)).toBeLessThanOrEqual(10);
  });

  it("sends a 0% route to Flask and a 100% route to FastAPI, every time", async () => {
    expect(await countFastapi("/api/orders/1", 200)).toBe(0);
    expect(await countFastapi("/api/reports", 200)).toBe(200);
  });

  it("matches methods: a GET-only route does not take POSTs", async () => {
    expect(await countFastapi("/api/reports", 50, { method: "POST" })).toBe(50);
    // Every worker polls the routing on its own: one request seeing it says nothing of the others.
    await publishEverywhere([{ path: "/api/users", methods: ["GET"], weight: 100 }], 0);
    expect(await countFastapi("/api/users", 50)).toBe(50);
    expect(await countFastapi("/api/users", 50, { method: "POST" })).toBe(0);
  });

  it("lets the override header win over any weight", async () => {
    await publishEverywhere(
      [
        { path: "/api/orders", weight: 0 },
        { path: "/api/reports", weight: 100 },
      ],
      10,
    );
    expect(await countFastapi("/api/orders", 30, { headers: { "X-Backend": "fastapi" } })).toBe(30);
    expect(await countFastapi("/api/reports", 30, { headers: { "X-Backend": "flask" } })).toBe(0);
  });

  it("keeps a sticky client on one backend and keeps the app's own cookies", async () => {
    publish([{ path: "/api/users", weight: 50 }], 10);
    // Every worker reads the routing on its own: wait until 10 requests in a row (over the workers) see the new one.
    await waitFor("the sticky test routing in every worker", async () => {
      for (let i = 0; i < 10; i++) {
        const { cookies } = await request("/api/users");
        if (!cookies.some((cookie) => cookie.startsWith("migration_api_users_w50="))) return undefined;
      }
      return true;
    });
    for (let client = 0; client < 6; client++) {
      const first = await request("/api/users");
      const sticky = first.cookies.find((cookie) => cookie.startsWith("migration_api_users_w50="));
      expect(sticky).toMatch(/^migration_api_users_w50=(fastapi|flask); Path=\/; HttpOnly; SameSite=Lax$/);
      if (first.backend === "flask") expect(first.cookies).toContain("session=legacy; Path=/");
      const cookie = sticky!.split(";")[0];
      for (let i = 0; i < 20; i++)
        expect((await request("/api/users", { headers: { Cookie: cookie } })).backend).toBe(first.backend);
    }
  });

  it("moves traffic on a weight change within seconds, without a reload and without failing a request", async () => {
    publish([{ path: "/api/users", weight: 0 }], 10);
    await waitFor("the starting weight", async () => ((await countFastapi("/api/users", 20)) === 0 ? true : undefined));
    const masterPid = readFileSync(layout.pidFile, "utf8").trim();
    const workersBefore = execFileSync("pgrep", ["-P", masterPid], { encoding: "utf8" });

    let failures = 0;
    let total = 0;
    let stop = false;
    const loop = async () => {
      while (!stop) {
        total++;
        try {
          const response = await fetch(`http://127.0.0.1:${layout.httpPort}/api/users`, {
            method: total % 5 === 0 ? "POST" : "GET",
          });
          if (!response.ok) failures++;
          await response.arrayBuffer();
        } catch {
          failures++;
        }
      }
    };
    const clients = Array.from({ length: 8 }, loop);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const changedAt = Date.now();
    publish([{ path: "/api/users", weight: 100 }], 10);
    await waitFor(
      "every request on FastAPI",
      async () => ((await countFastapi("/api/users", 20)) === 20 ? true : undefined),
      5000,
    );
    const convergedMs = Date.now() - changedAt;
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(clients);

    expect(failures).toBe(0);
    expect(total).toBeGreaterThan(100);
    expect(convergedMs).toBeLessThan(3000);
    expect(readFileSync(layout.pidFile, "utf8").trim()).toBe(masterPid);
    expect(execFileSync("pgrep", ["-P", masterPid], { encoding: "utf8" })).toBe(workersBefore);
  });

  it("runs without Flask once every route is on FastAPI, ignoring an override to the absent backend", async () => {
    publish([{ path: "/api/users", weight: 100 }], 100);
    const routing = JSON.parse(readFileSync(layout.routingFile, "utf8"));
    expect(routing.backends).toEqual({ fastapi: [backends.fastapi.address] });
    await waitFor("the all-FastAPI routing", async () =>
      (await countFastapi("/other", 10)) === 10 ? true : undefined,
    );
    expect(await countFastapi("/api/users", 20, { headers: { "X-Backend": "flask" } })).toBe(20);
  });

  it("counts requests by route, backend and status for Prometheus", async () => {
    const text = await metricsPage();
    expect(text).toContain("# TYPE migration_ingress_requests_total counter");
    expect(text).toMatch(
      /migration_ingress_requests_total\{route="api-orders",backend="flask",code="200"\} [1-9][0-9]*/,
    );
    expect(text).toMatch(
      /migration_ingress_requests_total\{route="api-reports",backend="fastapi",code="200"\} [1-9][0-9]*/,
    );
  });

  it("times requests by route and backend in a cumulative histogram with the shared bounds", async () => {
    const text = await metricsPage();
    expect(text).toContain("# TYPE migration_ingress_request_duration_seconds histogram");
    const series = '{route="api-orders",backend="flask"';
    const buckets = [...text.matchAll(/^migration_ingress_request_duration_seconds_bucket(\{[^}]*\}) (\d+)$/gm)]
      .filter(([, labels]) => labels.startsWith(series))
      .map(([, labels, count]) => ({ le: /le="([^"]+)"/.exec(labels)![1], count: Number(count) }));
    expect(buckets.map((bucket) => bucket.le)).toEqual([...LATENCY_BUCKETS_SECONDS.map(String), "+Inf"]);
    const counts = buckets.map((bucket) => bucket.count);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const requests = [
      ...text.matchAll(/^migration_ingress_requests_total\{route="api-orders",backend="flask",[^}]*\} (\d+)$/gm),
    ]
      .map(([, count]) => Number(count))
      .reduce((sum, count) => sum + count, 0);
    expect(counts.at(-1)).toBe(requests);
    expect(text).toContain(`migration_ingress_request_duration_seconds_count${series}} ${requests}`);
  });

  describe("failover", () => {
    let fastapiA: Awaited<ReturnType<typeof startCountingBackend>>;
    let flask: Awaited<ReturnType<typeof startCountingBackend>>;
    let hung: Awaited<ReturnType<typeof startBrokenBackend>>;
    let resetting: Awaited<ReturnType<typeof startBrokenBackend>>;
    /** An address nothing listens on: a crashed replica whose port refuses connections. */
    let dead: string;
    let alsoDead: string;

    /** Both backends probed for health, as managed ones are: the plan turns failover on. */
    const probed = (fastapi: string[], flaskServers: string[]): BackendServers => ({
      fastapi: { servers: fastapi, healthPath: APP_HEALTH_PATH },
      flask: { servers: flaskServers, healthPath: APP_HEALTH_PATH },
    });

    /**
     * A route FastAPI has a share of, whose first requests are all dealt to Flask (the router deals exactly: FastAPI's
     * first request is a worker's 100th), so that a test can fail Flask's share over to FastAPI.
     */
    const SPLIT_DEALING_FLASK_FIRST = 1;

    const publishFailover = async (
      routes: WeightedRoute[],
      servers: BackendServers,
      budget?: FailoverBudget,
    ): Promise<void> => {
      const plan = buildRoutingPlan({ routes, defaultWeight: 0 }, devPlatformConfig(), servers);
      expect(plan.failover).toBe(true);
      await publishToEveryWorker(plan, budget);
    };

    beforeAll(async () => {
      [fastapiA, flask, hung, resetting] = await Promise.all([
        startCountingBackend("fastapi"),
        startCountingBackend("flask"),
        startBrokenBackend("hang"),
        startBrokenBackend("reset"),
      ]);
      dead = `127.0.0.1:${await freePort()}`;
      alsoDead = `127.0.0.1:${await freePort()}`;
    });

    beforeEach(() => {
      for (const backend of [fastapiA, flask]) {
        for (const method of Object.keys(backend.received)) delete backend.received[method];
        backend.bodies.length = 0;
      }
    });

    afterAll(() => {
      fastapiA?.server.close();
      flask?.server.close();
      hung?.close();
      resetting?.close();
    });

    it("retries a GET, HEAD or OPTIONS on the other backend when the one picked refuses it, and counts the failed attempt against the one that failed", async () => {
      await publishFailover(
        [{ path: "/flask-down", weight: SPLIT_DEALING_FLASK_FIRST }],
        probed([fastapiA.address], [dead]),
      );
      for (const method of ["GET", "HEAD", "OPTIONS"]) {
        const outcome = await send("/flask-down/1", { method });
        expect(outcome).toMatchObject({ status: 200, servedBy: "fastapi" });
        expect(fastapiA.received[method]).toBe(1);
      }
      const text = await metricsPage();
      expect(sampleOf(text, 'migration_ingress_failovers_total{route="flask-down",from="flask",to="fastapi"}')).toBe(3);
      expect(sampleOf(text, 'migration_ingress_requests_total{route="flask-down",backend="flask",code="502"}')).toBe(3);
      expect(
        sampleOf(text, 'migration_ingress_request_duration_seconds_count{route="flask-down",backend="flask"}'),
      ).toBe(3);
      // FastAPI's answers for Flask are in the failovers only: FastAPI's own figures are what the weights gave it.
      expect(text).not.toContain('migration_ingress_requests_total{route="flask-down",backend="fastapi"');
      expect(text).not.toContain(
        'migration_ingress_request_duration_seconds_count{route="flask-down",backend="fastapi"',
      );
    });

    it("sends a POST, PUT, PATCH or DELETE that never left nginx (its backend refused it) to the other backend, body and all", async () => {
      await publishFailover(
        [{ path: "/flask-down-writes", weight: SPLIT_DEALING_FLASK_FIRST }],
        probed([fastapiA.address], [dead]),
      );
      for (const method of ["POST", "PUT", "PATCH", "DELETE"])
        expect(await send("/flask-down-writes/1", { method, body: `{"method":"${method}"}` })).toMatchObject({
          status: 200,
          servedBy: "fastapi",
        });
      expect(fastapiA.received).toEqual({ POST: 1, PUT: 1, PATCH: 1, DELETE: 1 });
      expect(fastapiA.bodies).toEqual(["POST", "PUT", "PATCH", "DELETE"].map((method) => `{"method":"${method}"}`));
      const text = await metricsPage();
      expect(
        sampleOf(text, 'migration_ingress_failovers_total{route="flask-down-writes",from="flask",to="fastapi"}'),
      ).toBe(4);
      expect(
        sampleOf(text, 'migration_ingress_requests_total{route="flask-down-writes",backend="flask",code="502"}'),
      ).toBe(4);
    });

    it("never sends a POST, PUT, PATCH or DELETE that reached its backend twice: it gets the ingress's 502 and the other backend never sees it", async () => {
      await publishFailover(
        [{ path: "/flask-died-writing", weight: SPLIT_DEALING_FLASK_FIRST }],
        probed([fastapiA.address], [resetting.address]),
      );
      for (const method of ["POST", "PUT", "PATCH", "DELETE"])
        expect(await send("/flask-died-writing/1", { method, body: "{}" })).toMatchObject({
          status: 502,
          servedBy: "flask",
        });
      expect(fastapiA.received).toEqual({});
      const text = await metricsPage();
      expect(text).not.toContain('migration_ingress_failovers_total{route="flask-died-writing"');
      expect(
        sampleOf(text, 'migration_ingress_requests_total{route="flask-died-writing",backend="flask",code="502"}'),
      ).toBe(4);
    });

    it("never fails a request forced with the override header over: the tester sees the real backend's error", async () => {
      await publishFailover([{ path: "/forced", weight: 100 }], probed([fastapiA.address], [dead]));
      expect(await send("/forced/1", { headers: { "X-Backend": "flask" } })).toMatchObject({
        status: 502,
        servedBy: "flask",
      });
      expect(fastapiA.received).toEqual({});
      expect(await metricsPage()).not.toContain('migration_ingress_failovers_total{route="forced"');
    });

    it("answers 502 as before failover when the routing has it off (an external Flask is not probed)", async () => {
      const plan = buildRoutingPlan(
        { routes: [{ path: "/no-failover", weight: 0 }], defaultWeight: 0 },
        devPlatformConfig(),
        {
          fastapi: { servers: [fastapiA.address], healthPath: APP_HEALTH_PATH },
          flask: { servers: [dead] },
        },
      );
      expect(plan.failover).toBe(false);
      await publishToEveryWorker(plan);
      expect(JSON.parse(readFileSync(layout.routingFile, "utf8"))).not.toHaveProperty("failover");
      expect(await send("/no-failover/1")).toMatchObject({ status: 502, servedBy: "flask" });
      expect(fastapiA.received).toEqual({});
    });

    it("keeps a 100% FastAPI route serving while its backup Flask no longer resolves, a dead replica's GETs on the next one", async () => {
      await publishFailover(
        [{ path: "/decommissioned", weight: 100 }],
        probed([dead, fastapiA.address], [UNRESOLVABLE_FLASK]),
      );
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => send("/decommissioned/1")));
      expect(outcomes.map(({ status, servedBy }) => ({ status, servedBy }))).toEqual(
        Array(20).fill({ status: 200, servedBy: "fastapi" }),
      );
      expect(fastapiA.received.GET).toBe(20);
      const text = await metricsPage();
      const failovers = sampleOf(
        text,
        'migration_ingress_failovers_total{route="decommissioned",from="fastapi",to="fastapi"}',
      );
      expect(failovers).toBeGreaterThan(0);
      expect(
        sampleOf(text, 'migration_ingress_requests_total{route="decommissioned",backend="fastapi",code="502"}'),
      ).toBe(failovers);
    });

    it("reaches a replica by name through the DNS server it is given, over connections it keeps alive", async () => {
      const port = fastapiA.address.split(":")[1];
      let connections = 0;
      const countConnection = () => connections++;
      fastapiA.server.on("connection", countConnection);
      try {
        await publishFailover(
          [{ path: "/by-name", weight: 100 }],
          probed([`${KNOWN_REPLICA.name}:${port}`], [flask.address]),
        );
        for (let i = 0; i < 50; i++)
          expect(await send("/by-name/1")).toMatchObject({ status: 200, servedBy: "fastapi" });
        expect(fastapiA.received.GET).toBe(50);
        // At most one connection per worker: each keeps its own idle connections to the replica.
        expect(connections).toBeLessThanOrEqual(workerCount());
      } finally {
        fastapiA.server.off("connection", countConnection);
      }
    });

    it("retries a GET that a FastAPI replica refused on the next replica before Flask, so FastAPI answers what it was dealt", async () => {
      await publishFailover(
        [{ path: "/replica-down", weight: 100 }],
        probed([dead, fastapiA.address], [flask.address]),
      );
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => send("/replica-down/1")));
      expect(outcomes.map(({ status, servedBy }) => ({ status, servedBy }))).toEqual(
        Array(10).fill({ status: 200, servedBy: "fastapi" }),
      );
      expect(flask.received).toEqual({});
    });

    it("never fails a route at 0% over to FastAPI: a GET or a POST Flask refused gets the 502, on Flask's only replica", async () => {
      await publishFailover([{ path: "/flask-only", weight: 0 }], probed([fastapiA.address], [dead]));
      expect(await send("/flask-only/1")).toMatchObject({ status: 502, servedBy: "flask" });
      expect(await send("/flask-only/1", { method: "POST", body: "{}" })).toMatchObject({
        status: 502,
        servedBy: "flask",
      });
      expect(fastapiA.received).toEqual({});
      expect(await metricsPage()).not.toContain('migration_ingress_failovers_total{route="flask-only"');
    });

    it("reaches a backend deployed after the ingress within about a second of its name resolving", async () => {
      // Flask's stack deployed after the platform: the name is unknown when the router first asks about it.
      const later = "flask-deployed-later.replicas.test";
      const port = flask.address.split(":")[1];
      await publishFailover([{ path: "/deployed-later", weight: 0 }], probed([fastapiA.address], [`${later}:${port}`]));
      const forced = { headers: { "X-Backend": "flask" } };
      expect(await send("/deployed-later/1", forced)).toMatchObject({ status: 502 });
      namesLearnedLater.add(later);
      const resolvable = Date.now();
      await waitFor(
        "the backend deployed later, forced with the override header",
        async () => ((await send("/deployed-later/1", forced)).status === 200 ? true : undefined),
        15_000,
        100,
      );
      // An absent name is asked about again every second, not kept as long as an address (10 s).
      expect(Date.now() - resolvable).toBeLessThan(3_000);
    });

    it("retries a GET dealt to a Flask that no longer resolves on FastAPI", async () => {
      await publishFailover(
        [{ path: "/flask-gone", weight: SPLIT_DEALING_FLASK_FIRST }],
        probed([fastapiA.address], [UNRESOLVABLE_FLASK]),
      );
      expect(await send("/flask-gone/1")).toMatchObject({ status: 200, servedBy: "fastapi" });
      expect(errorLog).toContain("migration: flask-decommissioned.invalid has no address (no such name)");
      expect(
        sampleOf(
          await metricsPage(),
          'migration_ingress_requests_total{route="flask-gone",backend="flask",code="502"}',
        ),
      ).toBe(1);
    });

    it("answers the failed attempt's 502 when no other replica accepts a connection, and counts no failover", async () => {
      await publishFailover([{ path: "/nowhere-else", weight: 100 }], probed([dead], [UNRESOLVABLE_FLASK]));
      expect(await send("/nowhere-else/1")).toMatchObject({ status: 502, servedBy: "fastapi" });
      expect(await metricsPage()).not.toContain('migration_ingress_failovers_total{route="nowhere-else"');
    });

    it("sends a 100% FastAPI route's GETs to Flask while every FastAPI replica is down (Flask is the backup)", async () => {
      await publishFailover([{ path: "/fastapi-down", weight: 100 }], probed([dead, alsoDead], [flask.address]));
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => send("/fastapi-down/1")));
      expect(outcomes.map(({ status, servedBy }) => ({ status, servedBy }))).toEqual(
        Array(10).fill({ status: 200, servedBy: "flask" }),
      );
      expect(
        sampleOf(
          await metricsPage(),
          'migration_ingress_failovers_total{route="fastapi-down",from="fastapi",to="flask"}',
        ),
      ).toBe(10);
    });

    it("bounds a hung backend by the response timeout: a GET fails over after it, a POST gets the 504", async () => {
      await publishFailover(
        [{ path: "/hung", weight: SPLIT_DEALING_FLASK_FIRST }],
        probed([fastapiA.address], [hung.address]),
      );
      const startedAt = Date.now();
      expect(await send("/hung/1")).toMatchObject({ status: 200, servedBy: "fastapi" });
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(TEST_UPSTREAM_TIMEOUTS.responseSeconds * 1000);
      expect(await send("/hung/1", { method: "POST", body: "{}" })).toMatchObject({ status: 504, servedBy: "flask" });
      expect(fastapiA.received).toEqual({ GET: 1 });
      const text = await metricsPage();
      expect(sampleOf(text, 'migration_ingress_requests_total{route="hung",backend="flask",code="504"}')).toBe(2);
      // The failed attempt is timed as the wait for the hung backend; FastAPI's answer for it is no figure of FastAPI's.
      expect(
        sampleOf(text, 'migration_ingress_request_duration_seconds_sum{route="hung",backend="flask"}'),
      ).toBeGreaterThanOrEqual(2);
      expect(text).not.toContain('migration_ingress_request_duration_seconds_sum{route="hung",backend="fastapi"');
    });

    it("pins a new sticky client to the backend it was dealt, also when its request failed over", async () => {
      await publishFailover([{ path: "/sticky-split", weight: 50 }], probed([fastapiA.address], [dead]));
      const dealtFlask = await waitFor("a client dealt Flask", async () => {
        const outcome = await send("/sticky-split/1");
        return outcome.cookies.includes("migration_sticky_split_w50=flask; Path=/; HttpOnly; SameSite=Lax")
          ? outcome
          : undefined;
      });
      expect(dealtFlask).toMatchObject({ status: 200, servedBy: "fastapi" });
      const pinned = await send("/sticky-split/1", { headers: { Cookie: "migration_sticky_split_w50=flask" } });
      expect(pinned).toEqual({ status: 200, servedBy: "fastapi", cookies: [] });
    });

    it("refuses failovers beyond the budget's floor in a second, and counts the refusals", async () => {
      const budget = { floorPerSecond: 3, share: 0 };
      await publishFailover(
        [{ path: "/budget-floor", weight: SPLIT_DEALING_FLASK_FIRST }],
        probed([fastapiA.address], [dead]),
        budget,
      );
      await startOfNextSecond();
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => send("/budget-floor/1")));
      const served = outcomes.filter((outcome) => outcome.status === 200);
      // One second's floor; two, should the burst straddle a second.
      expect(served.length).toBeGreaterThanOrEqual(budget.floorPerSecond);
      expect(served.length).toBeLessThanOrEqual(2 * budget.floorPerSecond);
      expect(outcomes.filter((outcome) => outcome.status === 502)).toHaveLength(20 - served.length);
      const text = await metricsPage();
      expect(sampleOf(text, 'migration_ingress_failovers_total{route="budget-floor",from="flask",to="fastapi"}')).toBe(
        served.length,
      );
      expect(sampleOf(text, 'migration_ingress_failovers_refused_total{route="budget-floor",from="flask"}')).toBe(
        20 - served.length,
      );
    });

    it("lets at most the budget's share of a second's requests fail over", async () => {
      await publishFailover(
        [{ path: "/budget-share", weight: SPLIT_DEALING_FLASK_FIRST }],
        probed([fastapiA.address], [dead]),
        {
          floorPerSecond: 0,
          share: 0.5,
        },
      );
      await startOfNextSecond();
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 40; i++) outcomes.push(await send("/budget-share/1"));
      // Every request fails on Flask; within one second the n-th may fail over while failovers stay <= n / 2.
      const served = outcomes.filter((outcome) => outcome.status === 200).length;
      expect(served).toBeLessThanOrEqual(20);
      expect(served).toBeGreaterThanOrEqual(18);
    });
  });

  it("serves its metrics page, failover counters among them, as valid Prometheus text (promtool check metrics)", async () => {
    const page = await metricsPage();
    expect(page).toContain("migration_ingress_failovers_refused_total{");
    const check = spawnSync(PROMTOOL, ["check", "metrics"], { input: page, encoding: "utf8" });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
  });

  // Last, so that the routing it publishes stays out of the tests above (their metrics among them).
  describe("the shared routing cases", () => {
    beforeAll(async () => {
      await publishToEveryWorker(planFor(standInServers()));
    });

    it.each(ROUTE_MATCHING_CASES.map((testCase) => [caseName(testCase), testCase] as const))(
      "%s",
      async (_, testCase) => {
        expect(await sendCase(`http://127.0.0.1:${layout.httpPort}`, testCase)).toEqual(expectedReply(testCase));
      },
    );
  });
});
