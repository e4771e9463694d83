import { describe, expect, it } from "vitest";
import { smokePlan } from "../../infra/cutover/smokeChecks";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "../support/configs";
import { cli, fakeStack, NOW } from "../support/cutoverFakes";

interface SentRequest {
  readonly method: string;
  readonly url: string;
  /** The override header's value, when set. */
  readonly forced?: string;
  readonly body?: unknown;
}

const RUN_TOKEN = "a1b2c3d4";
const EMAIL = (writer: string) => `smoke-${NOW.getTime()}-${RUN_TOKEN}-${writer}@example.invalid`;

const json = (status: number, body: unknown, servedBy?: string) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...(servedBy ? { "X-App-Backend": servedBy } : {}) },
  });

/**
 * The ingress and both apps on one table of users. An override to Flask reaches Flask only while `flaskRouted`, as in
 * the real routing; `answer` may replace any response, to play a broken ingress or app.
 */
function fakeIngress(
  quirks: {
    flaskRouted?: boolean;
    answer?: (request: SentRequest, signal: AbortSignal) => Promise<Response> | undefined;
  } = {},
) {
  const users = new Map<number, { id: number; email: string; name: string }>();
  const sent: SentRequest[] = [];
  let nextId = 41;
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const request: SentRequest = {
      method: init?.method ?? "GET",
      url: String(input),
      forced: new Headers(init?.headers).get("X-Backend") ?? undefined,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    sent.push(request);
    const special = quirks.answer?.(request, init!.signal!);
    if (special) return special;
    const servedBy = request.forced === "flask" && quirks.flaskRouted !== false ? "flask" : "fastapi";
    const path = new URL(request.url).pathname;
    const userId = Number(/^\/api\/users\/(\d+)$/.exec(path)?.[1]);
    if (request.method === "GET" && path === "/healthz") return json(200, { status: "ok", database: "ok" }, servedBy);
    if (request.method === "POST" && path === "/api/users") {
      const user = { id: nextId++, ...(request.body as { email: string; name: string }) };
      users.set(user.id, user);
      return json(201, user, servedBy);
    }
    if (!users.has(userId)) return json(404, { error: "Not Found", message: `User ${userId} not found.` }, servedBy);
    if (request.method === "GET") return json(200, users.get(userId), servedBy);
    users.delete(userId);
    return new Response(null, { status: 204, headers: { "X-App-Backend": servedBy } });
  }) as typeof fetch;
  return { fetchImpl, users, sent };
}

async function smoke(argv: string[], ingress = fakeIngress(), stack = fakeStack().stack, requestTimeoutMs = 1_000) {
  return cli(["smoke", ...argv], stack, undefined, {
    fetchImpl: ingress.fetchImpl,
    randomToken: () => RUN_TOKEN,
    requestTimeoutMs,
  });
}

/** What a run on the dev stack through its own ingress prints: the table's rows between its header and the verdict. */
const printed = (rows: readonly string[], verdict: string) =>
  [
    "Smoke test of stack dev through http://localhost:8080, each backend forced by X-Backend:\n",
    "CHECK                   OUTCOME  DETAIL",
    ...rows,
    "",
    verdict,
  ].join("\n");

/** The dev stack with every route and the default at 100% FastAPI. */
const cutOverStack = () => {
  const map = snapshotOf(devPlatformConfig());
  return fakeStack({
    outputs: { migrationMap: { defaultWeight: 100, routes: map.routes.map((route) => ({ ...route, weight: 100 })) } },
  }).stack;
};

describe("cutover smoke", () => {
  it("checks both apps' health, writes through each and reads through the other, then deletes what it wrote", async () => {
    const ingress = fakeIngress();
    const result = await smoke(["--stack", "dev"], ingress);
    expect(result).toEqual({
      code: 0,
      err: "",
      out: printed(
        [
          "health through fastapi  pass     200 from fastapi",
          "health through flask    pass     200 from flask",
          "write through flask     pass     201 from flask, user 41",
          "read through fastapi    pass     200 from fastapi, user 41 as written through flask",
          "write through fastapi   pass     201 from fastapi, user 42",
          "read through flask      pass     200 from flask, user 42 as written through fastapi",
          "delete through fastapi  pass     204 from fastapi, user 41",
          "delete through flask    pass     204 from flask, user 42",
        ],
        "Smoke test passed: 8 of 8 checks passed.",
      ),
    });
    expect(ingress.sent.map((request) => `${request.method} ${request.url} ${request.forced}`)).toEqual([
      "GET http://localhost:8080/healthz fastapi",
      "GET http://localhost:8080/healthz flask",
      "POST http://localhost:8080/api/users flask",
      "GET http://localhost:8080/api/users/41 fastapi",
      "POST http://localhost:8080/api/users fastapi",
      "GET http://localhost:8080/api/users/42 flask",
      "DELETE http://localhost:8080/api/users/41 fastapi",
      "DELETE http://localhost:8080/api/users/42 flask",
    ]);
    expect(ingress.sent[2].body).toEqual({ email: EMAIL("flask"), name: "Smoke test written through flask" });
    expect(ingress.users.size).toBe(0);
  });

  it("fails a check answered by the other backend than the one forced", async () => {
    const ingress = fakeIngress({
      answer: (request) =>
        request.url.endsWith("/healthz") && request.forced === "flask"
          ? Promise.resolve(json(200, { status: "ok" }, "fastapi"))
          : undefined,
    });
    const result = await smoke(["--stack", "dev"], ingress);
    expect(result.code).toBe(1);
    expect(result.out).toContain("\nhealth through flask    fail     200 from fastapi; expected 200 from flask\n");
    expect(result.out).toMatch(
      /\n\nSmoke test failed: health through flask \(1 of 8 checks; DETAIL says what came back\)\.$/,
    );
  });

  it("fails a read-back that differs from what the other app wrote", async () => {
    const ingress = fakeIngress({
      answer: (request) =>
        request.method === "GET" && request.url.endsWith("/api/users/41")
          ? Promise.resolve(
              json(200, { id: 41, email: "someone@example.com", name: "Smoke test written through flask" }, "fastapi"),
            )
          : undefined,
    });
    const result = await smoke(["--stack", "dev"], ingress);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `\nread through fastapi    fail     200 from fastapi, user 41 differs from the write through flask: email "someone@example.com" instead of "${EMAIL("flask")}"\n`,
    );
    // The user is deleted all the same.
    expect(ingress.users.size).toBe(0);
  });

  it("reports a failed cleanup as a failed check, naming the user left behind", async () => {
    const ingress = fakeIngress({
      answer: (request) =>
        request.method === "DELETE" && request.forced === "flask"
          ? Promise.resolve(json(500, { error: "Internal Server Error", message: "database down" }, "flask"))
          : undefined,
    });
    const result = await smoke(["--stack", "dev"], ingress);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      "\ndelete through flask    fail     500 from flask (database down); expected 204 from flask; user 42 is left in the database: DELETE /api/users/42 by hand\n",
    );
  });

  it("skips the read and the delete when the write returns no user, and says how to find it", async () => {
    const ingress = fakeIngress({
      answer: (request) =>
        request.method === "POST" && request.forced === "fastapi"
          ? Promise.resolve(
              json(409, { error: "Conflict", message: "A user with this email already exists." }, "fastapi"),
            )
          : undefined,
    });
    const result = await smoke(["--stack", "dev"], ingress);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      [
        "write through fastapi   fail     409 from fastapi (A user with this email already exists.); expected 201 from fastapi",
        "read through flask      skipped  no user id from the write through fastapi, nothing to read",
        "delete through fastapi  pass     204 from fastapi, user 41",
        `delete through flask    skipped  no user id from the write through fastapi; if it was stored anyway, delete the user with email ${EMAIL("fastapi")} by hand`,
      ].join("\n"),
    );
  });

  it("skips Flask's checks once Flask is no longer routed, and reads FastAPI's write back through FastAPI", async () => {
    const ingress = fakeIngress({ flaskRouted: false });
    const result = await smoke(["--stack", "dev"], ingress, cutOverStack());
    const notRouted =
      "Flask is no longer routed (every route and the default send 100% to FastAPI), so the override header cannot reach it";
    expect(result).toEqual({
      code: 0,
      err: "",
      out: printed(
        [
          "health through fastapi  pass     200 from fastapi",
          "write through fastapi   pass     201 from fastapi, user 41",
          "read through fastapi    pass     200 from fastapi, user 41 as written through fastapi",
          "delete through fastapi  pass     204 from fastapi, user 41",
          `health through flask    skipped  ${notRouted}`,
          `write through flask     skipped  ${notRouted}`,
          `read through flask      skipped  ${notRouted}`,
          `delete through flask    skipped  ${notRouted}`,
        ],
        "Smoke test passed: 4 of 8 checks passed, 4 skipped.",
      ),
    });
    expect(ingress.sent.filter((request) => request.forced !== "fastapi")).toEqual([]);
  });

  it("fails a request the ingress does not answer in time, naming its URL", async () => {
    const ingress = fakeIngress({
      answer: (request, signal) =>
        request.url.endsWith("/healthz") && request.forced === "fastapi"
          ? new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))
          : undefined,
    });
    const result = await smoke(["--stack", "dev"], ingress, undefined, 20);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      "\nhealth through fastapi  fail     no answer from GET http://localhost:8080/healthz within 0.02 s\n",
    );
  });

  it("tests the ingress named by --url instead of the stack's", async () => {
    const ingress = fakeIngress();
    const result = await smoke(["--stack", "dev", "--url", "http://127.0.0.1:18080"], ingress);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Smoke test of stack dev through http:\/\/127\.0\.0\.1:18080, /);
    expect(new Set(ingress.sent.map((request) => new URL(request.url).origin))).toEqual(
      new Set(["http://127.0.0.1:18080"]),
    );
  });

  it("refuses an --url that is not http(s) with exit code 2, before sending anything", async () => {
    const ingress = fakeIngress();
    expect(await smoke(["--stack", "dev", "--url", "localhost:8080"], ingress)).toEqual({
      code: 2,
      out: "",
      err: 'error: --url must be the ingress\'s http:// or https:// URL, e.g. http://localhost:8080; got "localhost:8080"\n',
    });
    expect(ingress.sent).toEqual([]);
  });

  it("asks for --url when the stack exports no ingressUrl", async () => {
    const result = await smoke(
      ["--stack", "dev"],
      fakeIngress(),
      fakeStack({ outputs: { ingressUrl: undefined } }).stack,
    );
    expect(result).toEqual({
      code: 2,
      out: "",
      err: "error: stack dev exports no ingressUrl (it has not been deployed yet?): deploy it, or pass --url with the ingress's URL, e.g. --url http://localhost:8080 through a port-forward\n",
    });
  });

  it("is listed in the help", async () => {
    const result = await cli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/\n {2}smoke \[options\] +smoke tests through the ingress, each backend/);
  });
});

describe("smokePlan", () => {
  it("keeps Flask's checks while a map that cannot be read might still route to Flask", () => {
    expect(smokePlan(undefined).skipped).toEqual([]);
  });

  it("keeps Flask's checks while one route still sends it a share", () => {
    const plan = smokePlan({ defaultWeight: 100, routes: [{ path: "/api/users", weight: 99 }] });
    expect(plan.health).toEqual(["fastapi", "flask"]);
  });
});
