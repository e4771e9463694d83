import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_SECONDS } from "../../infra/monitoring/latencyBuckets";
import { renderNginxConfig, type NginxLayout } from "../../infra/render/nginx/nginxConfig";
import { CONTAINER_LAYOUT, LUA_ROUTER_FILE, readLuaRouter } from "../../infra/render/nginx/nginxIngress";
import { renderNginxRouting } from "../../infra/render/nginx/routingDocument";
import { buildRoutingPlan, type RoutingPlan } from "../../infra/routing/plan";
import type { WeightedRoute } from "../../infra/routing/route";
import { devPlatformConfig } from "../support/configs";
import { freePort, startNamedBackend, waitFor } from "../support/processes";
import {
  APP_BACKEND_HEADER,
  caseName,
  expectedReply,
  planFor,
  ROUTE_MATCHING_CASES,
  sendCase,
} from "../support/routeMatchingCases";

// Real nginx with Debian's Lua module, real HTTP. scripts/test.sh installs these packages when they are missing.
const NGINX = "/usr/sbin/nginx";
const MODULES = "/usr/lib/nginx/modules";
const missing = [NGINX, `${MODULES}/ngx_http_lua_module.so`, "/usr/lib/x86_64-linux-gnu/lua/5.1/cjson.so"].filter(
  (path) => !existsSync(path),
);

interface Reply {
  readonly backend: string;
  readonly servedBy: string | null;
  readonly cookies: string[];
}

describe("the nginx flavour, running", () => {
  let workDir: string;
  let layout: NginxLayout;
  let nginx: ChildProcess;
  let errorLog = "";
  let backends: { fastapi: { server: Server; address: string }; flask: { server: Server; address: string } };

  const standInServers = () => ({
    fastapi: { servers: [backends.fastapi.address] },
    flask: { servers: [backends.flask.address] },
  });

  /** Returns the routing's version, which each worker logs when it loads it. */
  const publishPlan = (plan: RoutingPlan): string => {
    const routing = renderNginxRouting(plan);
    // The same atomic swap the Docker publisher does: write aside, then rename over.
    const staging = `${layout.routingFile}.tmp`;
    writeFileSync(staging, routing, { mode: 0o644 });
    renameSync(staging, layout.routingFile);
    return (JSON.parse(routing) as { version: string }).version;
  };

  const publish = (routes: WeightedRoute[], defaultWeight: number) =>
    publishPlan(buildRoutingPlan({ routes, defaultWeight }, devPlatformConfig(), standInServers()));

  const request = async (path: string, init: RequestInit = {}): Promise<Reply> => {
    const response = await fetch(`http://127.0.0.1:${layout.httpPort}${path}`, init);
    const body = (await response.json()) as { backend: string };
    expect(response.status).toBe(200);
    return {
      backend: body.backend,
      servedBy: response.headers.get("x-served-by"),
      cookies: response.headers.getSetCookie(),
    };
  };

  const countFastapi = async (path: string, requests: number, init: RequestInit = {}) => {
    let fastapi = 0;
    for (let i = 0; i < requests; i++) if ((await request(path, init)).backend === "fastapi") fastapi++;
    return fastapi;
  };

  beforeAll(async () => {
    expect(missing, "install nginx-light libnginx-mod-http-lua lua-cjson (scripts/test.sh does)").toEqual([]);
    backends = {
      fastapi: await startNamedBackend("fastapi", { [APP_BACKEND_HEADER]: "fastapi" }),
      // The legacy app sets its own session cookie; the sticky cookie must be added beside it, not replace it.
      flask: await startNamedBackend("flask", {
        [APP_BACKEND_HEADER]: "flask",
        "Set-Cookie": "session=legacy; Path=/",
      }),
    };
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
    };
    writeFileSync(join(workDir, LUA_ROUTER_FILE), readLuaRouter(), { mode: 0o644 });
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
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("accepts the production nginx.conf (nginx -t)", () => {
    const file = join(workDir, "container-nginx.conf");
    writeFileSync(file, renderNginxConfig(CONTAINER_LAYOUT));
    expect(() =>
      execFileSync(NGINX, ["-t", "-q", "-p", workDir, "-e", "stderr", "-c", file], { stdio: "pipe" }),
    ).not.toThrow();
  });

  it("names the backend that served every response", async () => {
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
    publish([{ path: "/api/users", methods: ["GET"], weight: 100 }], 0);
    await waitFor("the GET-only route at 100%", async () =>
      (await request("/api/users")).backend === "fastapi" ? true : undefined,
    );
    expect(await countFastapi("/api/users", 50)).toBe(50);
    expect(await countFastapi("/api/users", 50, { method: "POST" })).toBe(0);
  });

  it("lets the override header win over any weight", async () => {
    publish(
      [
        { path: "/api/orders", weight: 0 },
        { path: "/api/reports", weight: 100 },
      ],
      10,
    );
    await waitFor("the override test routing", async () =>
      (await request("/api/reports")).backend === "fastapi" ? true : undefined,
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
    const text = await (await fetch(`http://127.0.0.1:${layout.metricsPort}/metrics`)).text();
    expect(text).toContain("# TYPE migration_ingress_requests_total counter");
    expect(text).toMatch(
      /migration_ingress_requests_total\{route="api-orders",backend="flask",code="200"\} [1-9][0-9]*/,
    );
    expect(text).toMatch(
      /migration_ingress_requests_total\{route="api-reports",backend="fastapi",code="200"\} [1-9][0-9]*/,
    );
  });

  it("times requests by route and backend in a cumulative histogram with the shared bounds", async () => {
    const text = await (await fetch(`http://127.0.0.1:${layout.metricsPort}/metrics`)).text();
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

  // Last, so that the routing it publishes stays out of the tests above (their metrics among them).
  describe("the shared routing cases", () => {
    beforeAll(async () => {
      const version = publishPlan(planFor(standInServers()));
      // Every worker polls the routing file on its own: wait until each has logged loading this version.
      const masterPid = readFileSync(layout.pidFile, "utf8").trim();
      const workers = execFileSync("pgrep", ["-P", masterPid], { encoding: "utf8" }).trim().split("\n").length;
      await waitFor(`routing ${version} in all ${workers} workers`, async () =>
        errorLog.split(`migration: routing ${version} loaded`).length - 1 >= workers ? true : undefined,
      );
    });

    it.each(ROUTE_MATCHING_CASES.map((testCase) => [caseName(testCase), testCase] as const))(
      "%s",
      async (_, testCase) => {
        expect(await sendCase(`http://127.0.0.1:${layout.httpPort}`, testCase)).toEqual(expectedReply(testCase));
      },
    );
  });
});
