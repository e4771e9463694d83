import { createServer as createHttpServer, type Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { FAILOVER_BUDGET } from "../../infra/render/failoverBudget";
import { renderTraefikRouting } from "../../infra/render/traefik/dynamicConfig";
import { APP_HEALTH_PATH, buildRoutingPlan, SERVED_BY_HEADER, type RoutingPlan } from "../../infra/routing/plan";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "../support/configs";
import { waitFor } from "../support/processes";
import { startTraefik, traefikSkipReason, type RunningTraefik } from "../support/realTraefik";

// Failover through the real Traefik on the routing the project renders, with stand-in backends that are killed (every
// connection dropped, the port closed) while requests flow. Killing a stand-in is what a crashed app looks like to the
// ingress: refused connections.
const skipReason = traefikSkipReason("Traefik failover");

/** A stand-in app that can crash and come back on the same port. It counts the requests that reached it, by method. */
class StandIn {
  readonly received: Record<string, number> = {};
  private server?: Server;
  port = 0;

  constructor(
    readonly name: string,
    private readonly behaviour: {
      /** Reads each request, then drops the connection without an answer: a request that reached the app, then failed. */
      readonly dropsRequests?: boolean;
      /** Answers each request this long after it came: requests are in flight when it crashes. */
      readonly answerAfterMs?: number;
    } = {},
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createHttpServer((request, response) => {
      if (request.url !== APP_HEALTH_PATH) this.received[request.method!] = (this.received[request.method!] ?? 0) + 1;
      if (request.url === APP_HEALTH_PATH) return void response.end("ok");
      if (this.behaviour.dropsRequests) return void request.socket.destroy();
      setTimeout(() => {
        response.writeHead(200, { [SERVED_BY_HEADER]: this.name });
        response.end(this.name);
      }, this.behaviour.answerAfterMs ?? 0);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    const address = server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
    this.server = server;
    return this;
  }

  crash(): void {
    this.server?.close();
    this.server?.closeAllConnections();
    this.server = undefined;
  }
}

interface Outcome {
  readonly status: number;
  readonly servedBy: string | null;
}

async function send(url: string, method = "GET", headers: Record<string, string> = {}): Promise<Outcome> {
  try {
    const response = await fetch(url, { method, headers, body: method === "POST" ? "{}" : undefined });
    await response.arrayBuffer();
    return { status: response.status, servedBy: response.headers.get(SERVED_BY_HEADER) };
  } catch {
    return { status: 0, servedBy: null };
  }
}

// Light on purpose: `npm test` runs this beside the browser test and the nginx router's, on two cores.
const CLIENTS = 2;

/** Requests from CLIENTS clients in a loop until `durationMs` is over; `during` runs meanwhile. */
async function underLoad(url: string, durationMs: number, during: () => Promise<void>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + durationMs;
  const client = async () => {
    while (Date.now() < deadline) {
      outcomes.push(await send(url));
      await sleep(40);
    }
  };
  await Promise.all([...Array.from({ length: CLIENTS }, client), during()]);
  return outcomes;
}

const failed = (outcomes: readonly Outcome[]) => outcomes.filter((outcome) => outcome.status !== 200);

/** Who answered the requests that were answered. */
const servedBy = (outcomes: readonly Outcome[]) =>
  new Set(outcomes.filter((outcome) => outcome.status === 200).map((outcome) => outcome.servedBy));

describe.skipIf(skipReason !== "")(`failover through Traefik${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let traefik: RunningTraefik | undefined;
  const standIns: StandIn[] = [];

  afterEach(async () => {
    await traefik?.stop();
    traefik = undefined;
    for (const standIn of standIns.splice(0)) standIn.crash();
  });

  /** /split at 50%, /new at 100% FastAPI, everything else on Flask; FastAPI with two replicas. */
  async function world(
    options: { flaskAddress?: string; flaskDropsRequests?: boolean; fastapiAnswerAfterMs?: number } = {},
  ) {
    const [fastapiA, fastapiB, flask] = await Promise.all([
      new StandIn("fastapi", { answerAfterMs: options.fastapiAnswerAfterMs }).start(),
      new StandIn("fastapi").start(),
      new StandIn("flask", { dropsRequests: options.flaskDropsRequests }).start(),
    ]);
    standIns.push(fastapiA, fastapiB, flask);
    const config = devPlatformConfig({
      routes: [
        { path: "/split", weight: 50 },
        { path: "/new", weight: 100 },
      ],
      defaultWeight: 0,
      sticky: false,
    });
    const plan: RoutingPlan = buildRoutingPlan(snapshotOf(config), config, {
      fastapi: { servers: [fastapiA.address, fastapiB.address], healthPath: APP_HEALTH_PATH },
      flask: { servers: [options.flaskAddress ?? flask.address], healthPath: APP_HEALTH_PATH },
    });
    expect(plan.failover).toBe(true);
    traefik = await startTraefik(renderTraefikRouting(plan), async (url) => (await send(`${url}/new`)).status === 200);
    return { url: traefik.url, fastapiA, fastapiB, flask };
  }

  it("answers every GET on a split route while Flask crashes, and routes to Flask again once it is back", async () => {
    const { url, flask } = await world();
    const outcomes = await underLoad(`${url}/split/1`, 4_000, async () => {
      await sleep(1_000);
      flask.crash();
    });
    expect(failed(outcomes)).toEqual([]);
    // Load throughout, not a few lucky requests: each client's request on the dead Flask waits out the retry's 1.75 s.
    expect(outcomes.length).toBeGreaterThan(60);

    await flask.start();
    await waitFor("Flask to take its share again", async () =>
      (await send(`${url}/split/1`)).servedBy === "flask" || (await send(`${url}/split/1`)).servedBy === "flask"
        ? true
        : undefined,
    );
  });

  it("answers every GET on a 100% route while one FastAPI replica crashes, then while both do (Flask is the backup)", async () => {
    const { url, fastapiA, fastapiB } = await world();
    const oneDown = await underLoad(`${url}/new/1`, 3_000, async () => {
      await sleep(1_000);
      fastapiA.crash();
    });
    expect(failed(oneDown)).toEqual([]);
    expect(servedBy(oneDown)).toEqual(new Set(["fastapi"]));

    const bothDown = await underLoad(`${url}/new/1`, 3_000, async () => {
      await sleep(1_000);
      fastapiB.crash();
    });
    expect(failed(bothDown)).toEqual([]);
    expect(servedBy(bothDown)).toEqual(new Set(["fastapi", "flask"]));
  });

  it("answers the GETs in flight on a replica at the moment it crashes, from the live one", async () => {
    const { url, fastapiA } = await world({ fastapiAnswerAfterMs: 500 });
    const inFlight = Promise.all(Array.from({ length: 6 }, () => send(`${url}/new/1`)));
    await waitFor("GETs in flight on the slow replica", async () =>
      (fastapiA.received.GET ?? 0) > 0 ? true : undefined,
    );
    fastapiA.crash();
    const outcomes = await inFlight;
    expect(failed(outcomes)).toEqual([]);
    expect(servedBy(outcomes)).toEqual(new Set(["fastapi"]));
  });

  it("sends again at most 10 plus half the second's GETs (the retry budget), however many Traefik failed", async () => {
    // Every path but /split and /new goes to Flask, which drops every request it reads: each GET fails at the ingress.
    const { url, flask } = await world({ flaskDropsRequests: true });
    const burst = 100;
    const started = Date.now();
    const outcomes = await Promise.all(Array.from({ length: burst }, () => send(`${url}/other/1`)));
    expect(failed(outcomes)).toHaveLength(burst);
    const retries = (flask.received.GET ?? 0) - burst;
    // The budget counts per wall-clock second: within one it is 10 + 0.5 × 100 = 60, and every further second the burst
    // and its retries reach (more of them on a busy machine) adds its floor of 10.
    const seconds = Math.floor(Date.now() / 1000) - Math.floor(started / 1000) + 1;
    expect(retries).toBeGreaterThanOrEqual(10);
    expect(retries).toBeLessThanOrEqual(seconds * FAILOVER_BUDGET.floorPerSecond + FAILOVER_BUDGET.share * burst);
    expect(traefik!.output()).toMatch(/retry budget spent, GET \/other\/1 not sent again/);
  });

  it("never sends a POST twice: one that reached Flask and got no answer fails, and FastAPI never sees it", async () => {
    const { url, fastapiA, fastapiB, flask } = await world({ flaskDropsRequests: true });
    const posts = await Promise.all(Array.from({ length: 20 }, () => send(`${url}/split/1`, "POST")));
    const toFlask = flask.received.POST ?? 0;
    expect(toFlask).toBeGreaterThan(0);
    expect(failed(posts)).toHaveLength(toFlask);
    expect((fastapiA.received.POST ?? 0) + (fastapiB.received.POST ?? 0)).toBe(20 - toFlask);
  });

  it("does not fail a request forced with the override header over to the other backend", async () => {
    const { url, flask } = await world();
    flask.crash();
    const forced = await send(`${url}/new/1`, "GET", { "X-Backend": "flask" });
    expect(forced.status).toBeGreaterThanOrEqual(502);
    expect(forced.servedBy).toBeNull();
  });

  it("keeps serving a 100% route whose backup Flask no longer resolves (its stack destroyed)", async () => {
    const { url } = await world({ flaskAddress: "flask-decommissioned.invalid:5000" });
    const outcomes = await underLoad(`${url}/new/1`, 2_000, async () => undefined);
    expect(failed(outcomes)).toEqual([]);
    expect(servedBy(outcomes)).toEqual(new Set(["fastapi"]));
    expect(traefik!.output()).not.toMatch(/ ERR /);
  });
});
