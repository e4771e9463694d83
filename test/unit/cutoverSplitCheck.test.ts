import { describe, expect, it } from "vitest";
import { sampleRoute, verifySplit } from "../../cli/splitProbe";
import { judgeSplit, probeFor, sampleSize } from "../../infra/cutover/splitCheck";
import type { MigrationMap } from "../../infra/routing/route";

const map: MigrationMap = {
  defaultWeight: 10,
  routes: [
    { path: "/api/users", methods: ["GET", "HEAD"], weight: 10 },
    { path: "/api/orders", methods: ["POST", "PUT", "PATCH", "DELETE"], weight: 0 },
    { path: "/api/reports/daily", weight: 50 },
    { path: "/api/reports", methods: ["GET"], weight: 100 },
  ],
};

describe("the probe for a route", () => {
  it("reads the route's own path with a safe method", () => {
    expect(probeFor(map, "api-users-get-head")).toEqual({ path: "/api/users", method: "GET" });
  });

  it("sends a write method only to a made-up resource below the path, never to the collection", () => {
    expect(probeFor(map, "api-orders-post-put-patch-delete")).toEqual({
      path: "/api/orders/cutover-probe",
      method: "POST",
    });
  });

  it("is a request no earlier route takes", () => {
    expect(probeFor(map, "api-reports-get")).toEqual({ path: "/api/reports", method: "GET" });
    expect(
      probeFor(
        {
          defaultWeight: 0,
          routes: [
            { path: "/api/reports/x", weight: 0 },
            { path: "/api/reports", methods: ["GET"], weight: 100 },
          ],
        },
        "api-reports-get",
      ),
    ).toEqual({
      path: "/api/reports",
      method: "GET",
    });
  });

  it("for the default route is a path no route matches, the health path first", () => {
    expect(probeFor(map, "default")).toEqual({ path: "/healthz", method: "GET" });
    expect(probeFor({ defaultWeight: 0, routes: [{ path: "/healthz", weight: 0 }] }, "default")).toEqual({
      path: "/",
      method: "GET",
    });
  });

  it("is absent when earlier routes take every request, or for an unknown route", () => {
    expect(probeFor({ defaultWeight: 0, routes: [{ path: "/", weight: 0 }] }, "default")).toBeUndefined();
    expect(probeFor(map, "nope")).toBeUndefined();
  });
});

describe("judging an observed split", () => {
  it("needs every response from the one backend at 0 and 100", () => {
    expect(judgeSplit(0, { fastapi: 0, flask: 50, unlabelled: 0 })).toEqual({
      matches: true,
      observedWeight: 0,
      tolerance: 0,
      summary: "0.0% FastAPI (0 FastAPI, 50 Flask, 0 failed or unlabelled); expected 0% exactly",
    });
    expect(judgeSplit(0, { fastapi: 1, flask: 49, unlabelled: 0 }).matches).toBe(false);
    expect(judgeSplit(100, { fastapi: 49, flask: 0, unlabelled: 1 }).matches).toBe(false);
  });

  it("accepts a split within three standard errors and tells neighbouring steps apart", () => {
    expect(judgeSplit(50, { fastapi: 215, flask: 185, unlabelled: 0 })).toMatchObject({
      matches: true,
      tolerance: 7.5,
    });
    expect(judgeSplit(10, { fastapi: 20, flask: 380, unlabelled: 0 }).matches).toBe(false);
    expect(judgeSplit(10, { fastapi: 38, flask: 362, unlabelled: 0 }).matches).toBe(true);
  });

  it("fails without any labelled response", () => {
    expect(judgeSplit(50, { fastapi: 0, flask: 0, unlabelled: 400 })).toMatchObject({
      matches: false,
      observedWeight: undefined,
    });
  });

  it("samples more requests for a split than for 0 or 100", () => {
    expect([sampleSize(0), sampleSize(10), sampleSize(100)]).toEqual([50, 400, 50]);
  });
});

/** An ingress that deals requests by weighted round robin after `switchAfter` requests, naming the backend in the header. */
function fakeIngress(weightBefore: number, weightAfter: number, switchAfter: number) {
  let served = 0;
  const seen: Array<{ method: string; url: string; headers: Headers }> = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({ method: init?.method ?? "GET", url: String(input), headers: new Headers(init?.headers) });
    const weight = served < switchAfter ? weightBefore : weightAfter;
    const backend = ((served * weight) % 100) + weight >= 100 ? "fastapi" : "flask";
    served++;
    return new Response("{}", { status: 200, headers: { "X-App-Backend": backend } });
  }) as typeof fetch;
  return { fetchImpl, seen };
}

describe("probing through the ingress", () => {
  it("counts responses by the served-by header, sending no cookie and no override header", async () => {
    const ingress = fakeIngress(10, 10, 0);
    const sample = await sampleRoute("http://localhost:8080", { path: "/api/users", method: "GET" }, 100, {
      concurrency: 4,
      fetchImpl: ingress.fetchImpl,
    });
    expect(sample).toEqual({ fastapi: 10, flask: 90, unlabelled: 0 });
    expect(ingress.seen[0]).toMatchObject({ method: "GET", url: "http://localhost:8080/api/users" });
    expect([...ingress.seen[0].headers.keys()]).toEqual([]);
  });

  it("counts failed requests as unlabelled", async () => {
    const failing = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    expect(
      await sampleRoute("http://localhost:8080", { path: "/", method: "GET" }, 5, {
        concurrency: 2,
        fetchImpl: failing,
      }),
    ).toEqual({ fastapi: 0, flask: 0, unlabelled: 5 });
  });

  it("polls until the new split shows, and reports how long it took", async () => {
    const ingress = fakeIngress(10, 0, 120);
    const verification = await verifySplit(
      "http://localhost:8080",
      [{ routeId: "api-users-get-head", weight: 0, probe: { path: "/api/users", method: "GET" } }],
      {
        fetchImpl: ingress.fetchImpl,
        pauseMs: 1,
        timeoutMs: 5_000,
      },
    );
    expect(verification.converged).toBe(true);
    expect(verification.routes[0].judgement?.summary).toBe(
      "0.0% FastAPI (0 FastAPI, 50 Flask, 0 failed or unlabelled); expected 0% exactly",
    );
    // Rounds of 50: the first three still see some FastAPI (the switch happens inside the third), the fourth does not.
    expect(ingress.seen.length).toBe(200);
  });

  it("gives up after the timeout and lists routes it could not probe", async () => {
    const ingress = fakeIngress(10, 10, 0);
    const verification = await verifySplit(
      "http://localhost:8080",
      [
        { routeId: "api-users-get-head", weight: 0, probe: { path: "/api/users", method: "GET" } },
        { routeId: "default", weight: 0 },
      ],
      { fetchImpl: ingress.fetchImpl, pauseMs: 1, timeoutMs: 20 },
    );
    expect(verification.converged).toBe(false);
    expect(verification.routes.map((route) => [route.routeId, route.judgement?.matches])).toEqual([
      ["api-users-get-head", false],
      ["default", undefined],
    ]);
  });
});
