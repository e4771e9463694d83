import autocannon from "autocannon";
import type { IncomingHttpHeaders } from "node:http";
import type { ObservedResponse } from "./convergence";
import { servedBy } from "./servedBy";

/** The migration-map route a request of the load falls under in the dev stage ("default" for the default route). */
export type RouteLabel = "/api/users" | "/api/orders" | "default";

export interface LoadResponse extends ObservedResponse {
  readonly route: RouteLabel;
  readonly method: "GET" | "POST";
  readonly status: number;
}

/** Requests of one method in a window, and how many of them failed (a 4xx/5xx status). */
export interface MethodTally {
  readonly failed: number;
  readonly total: number;
}

export interface CreatedRow {
  readonly kind: "users" | "orders";
  readonly id: number;
}

export interface LoadWindow {
  readonly totalRequests: number;
  readonly failedRequests: number;
  /**
   * Failed requests by HTTP status, route and who answered (e.g. "404 /api/users from the ingress"), and those that got
   * no response at all by why (NO_RESPONSE_TIMED_OUT, or "no response: " and the connection's error).
   */
  readonly failures: Record<string, number>;
}

/** How long a request waits for its answer before the load generator gives up on it. */
const TIMEOUT_SECONDS = 10;
/** The failure key of the requests the load generator gave up on after TIMEOUT_SECONDS. */
export const NO_RESPONSE_TIMED_OUT = `no response: timed out after ${TIMEOUT_SECONDS} s`;
/** The message autocannon gives a request it gave up on (lib/run.js, onTimeout). */
const AUTOCANNON_TIMEOUT_MESSAGE = "request timed out";

/** A request that got no response at all, and when it counts. */
interface Unanswered {
  /**
   * Milliseconds since the epoch: when it was sent, for a request that timed out (so that one which waited out an
   * outage counts in the outage, not in the seconds after it), else when its connection failed.
   */
  readonly at: number;
  readonly why: string;
}

/**
 * Steady traffic the way real clients send it: a bounded rate over a few keep-alive connections, no retries, mostly
 * GETs with some POSTs (which write rows that must survive every step). Every response is logged with its time, route
 * and backend, and every request that got no response is logged as a failure.
 */
export class SteadyLoad {
  readonly responses: LoadResponse[] = [];
  readonly created: CreatedRow[] = [];
  private readonly unanswered: Unanswered[] = [];
  private readonly instance: autocannon.Instance;
  private readonly finished: Promise<autocannon.Result>;
  private sequence = 0;

  constructor(
    baseUrl: string,
    userIds: readonly number[],
    ratePerSecond = 100,
    /** At most this many requests are out at once. */
    readonly connections = 8,
  ) {
    const pick = (ids: readonly number[]) => ids[Math.floor(Math.random() * ids.length)];
    const record =
      (route: RouteLabel, method: LoadResponse["method"], kind?: CreatedRow["kind"]) =>
      (status: number, body: string, _context: object, headers: IncomingHttpHeaders | undefined) => {
        this.responses.push({ at: Date.now(), route, method, status, backend: servedBy(headers) });
        if (kind && status === 201) this.created.push({ kind, id: JSON.parse(body).id });
      };
    const json = { "content-type": "application/json" };
    const getUser: autocannon.Request = {
      method: "GET",
      setupRequest: (request) => ({ ...request, path: `/api/users/${pick(userIds)}` }),
      onResponse: record("/api/users", "GET"),
    };
    // GET of orders is not in the /api/orders route's methods: it takes the default route.
    const listOrders: autocannon.Request = {
      method: "GET",
      path: "/api/orders?per_page=5",
      onResponse: record("default", "GET"),
    };
    const createUser: autocannon.Request = {
      method: "POST",
      path: "/api/users",
      headers: json,
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ email: `load-${process.pid}-${Date.now()}-${this.sequence++}@e2e.test`, name: "Load" }),
      }),
      onResponse: record("default", "POST", "users"),
    };
    const createOrder: autocannon.Request = {
      method: "POST",
      path: "/api/orders",
      headers: json,
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ user_id: pick(userIds), item: "Load", quantity: 1, total_cents: 100 }),
      }),
      onResponse: record("/api/orders", "POST", "orders"),
    };
    let instance: autocannon.Instance | undefined;
    this.finished = new Promise((resolve, reject) => {
      instance = autocannon(
        {
          url: baseUrl,
          connections,
          overallRate: ratePerSecond,
          // Stopped by `stop()`; the duration is only a bound for a run that forgot to.
          duration: 3600,
          timeout: TIMEOUT_SECONDS,
          requests: [
            getUser,
            getUser,
            listOrders,
            getUser,
            createUser,
            getUser,
            listOrders,
            getUser,
            createOrder,
            listOrders,
          ],
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
    });
    this.instance = instance!;
    this.instance.on("reqError", (error: Error) =>
      this.unanswered.push(
        error.message === AUTOCANNON_TIMEOUT_MESSAGE
          ? { at: Date.now() - TIMEOUT_SECONDS * 1_000, why: NO_RESPONSE_TIMED_OUT }
          : { at: Date.now(), why: `no response: ${error.message}` },
      ),
    );
  }

  /** Requests answered or failed between two moments (milliseconds since the epoch). */
  window(from: number, to: number): LoadWindow {
    const within = (at: number) => at >= from && at <= to;
    const answered = this.responses.filter((response) => within(response.at));
    const unanswered = this.unanswered.filter((request) => within(request.at));
    const failures: Record<string, number> = {};
    for (const { why } of unanswered) failures[why] = (failures[why] ?? 0) + 1;
    // Keyed by status, route and who answered: a response without the served-by header came from the ingress itself.
    for (const response of answered.filter((candidate) => candidate.status >= 400)) {
      const key = `${response.status} ${response.route} from ${response.backend ?? "the ingress"}`;
      failures[key] = (failures[key] ?? 0) + 1;
    }
    const failedRequests = Object.values(failures).reduce((sum, count) => sum + count, 0);
    return { totalRequests: answered.length + unanswered.length, failedRequests, failures };
  }

  /** How many requests got no response at all between two moments (`window` tells why). */
  unansweredCount(from: number, to: number): number {
    return this.unanswered.filter((request) => request.at >= from && request.at <= to).length;
  }

  /**
   * The answered requests between two moments by method. Requests that got no response at all cannot be told apart by
   * method (the load generator reports only the error): `unansweredCount` and `window` count them.
   */
  byMethod(from: number, to: number): Record<LoadResponse["method"], MethodTally> {
    const tally = (method: LoadResponse["method"]) => {
      const answered = this.responses.filter(
        (response) => response.method === method && response.at >= from && response.at <= to,
      );
      return { failed: answered.filter((response) => response.status >= 400).length, total: answered.length };
    };
    return { GET: tally("GET"), POST: tally("POST") };
  }

  /** The responses of one route since a moment, for judging when it settled on a new weight. */
  routeResponses(route: RouteLabel, since: number): LoadResponse[] {
    return this.responses.filter((response) => response.route === route && response.at >= since);
  }

  async stop(): Promise<autocannon.Result> {
    this.instance.stop();
    return this.finished;
  }
}
