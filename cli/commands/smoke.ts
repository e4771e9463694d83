import { randomBytes } from "node:crypto";
import {
  judgeDelete,
  judgeHealth,
  judgeRead,
  judgeWrite,
  parseSmokeUrl,
  renderSmoke,
  smokePassed,
  smokePlan,
  smokeUser,
  skippedDelete,
  skippedRead,
  USERS_PATH,
  type Exchange,
  type RoundTrip,
  type SmokeCheck,
  type UserFields,
} from "../../infra/cutover/smokeChecks";
import { APP_HEALTH_PATH, SERVED_BY_HEADER, type BackendName } from "../../infra/routing/plan";
import { CliError, EXIT } from "../cliError";
import type { CutoverDeps } from "../ports";
import { loadStackView } from "../stackView";

export interface SmokeOptions {
  /** Per request, the body included: a hung ingress fails its check instead of stalling the pipeline that runs it. */
  readonly requestTimeoutMs: number;
  readonly fetchImpl: typeof fetch;
  /** Makes the run's emails unique even when two runs start in the same millisecond. */
  readonly randomToken: () => string;
}

const DEFAULTS: SmokeOptions = {
  requestTimeoutMs: 5_000,
  fetchImpl: fetch,
  randomToken: () => randomBytes(4).toString("hex"),
};

type Send = (method: string, path: string, backend: BackendName, body?: unknown) => Promise<Exchange>;

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function exchange(url: URL, init: RequestInit & { method: string }, options: SmokeOptions): Promise<Exchange> {
  try {
    const response = await options.fetchImpl(url, {
      ...init,
      redirect: "manual",
      signal: AbortSignal.timeout(options.requestTimeoutMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      servedBy: response.headers.get(SERVED_BY_HEADER)?.trim().toLowerCase() || undefined,
      body: parseBody(text),
    };
  } catch (error) {
    if ((error as Error).name === "TimeoutError") {
      return { error: `no answer from ${init.method} ${url} within ${options.requestTimeoutMs / 1000} s` };
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: `${init.method} ${url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
  }
}

/** Writes, then reads back, every round trip's user; deletes them last, so each read sees a user that still exists. */
async function roundTrips(send: Send, trips: readonly RoundTrip[], runToken: string): Promise<SmokeCheck[]> {
  const checks: SmokeCheck[] = [];
  const written: Array<{ trip: RoundTrip; user: UserFields; userId?: number }> = [];
  for (const trip of trips) {
    const user = smokeUser(runToken, trip.writer);
    const { check, userId } = judgeWrite(trip.writer, await send("POST", USERS_PATH, trip.writer, user));
    checks.push(check);
    checks.push(
      userId === undefined
        ? skippedRead(trip)
        : judgeRead(trip, userId, user, await send("GET", `${USERS_PATH}/${userId}`, trip.reader)),
    );
    written.push({ trip, user, userId });
  }
  for (const { trip, user, userId } of written) {
    checks.push(
      userId === undefined
        ? skippedDelete(trip, user)
        : judgeDelete(trip, userId, await send("DELETE", `${USERS_PATH}/${userId}`, trip.reader)),
    );
  }
  return checks;
}

/**
 * Through the ingress, each backend forced by the override header: both healthy, and what one app writes the other
 * reads. Every check runs, so one failure does not hide another; the users written are deleted again.
 */
export async function smoke(
  deps: CutoverDeps,
  request: { readonly stack: string; readonly url?: string },
  overrides: Partial<SmokeOptions> = {},
): Promise<number> {
  const options = { ...DEFAULTS, ...overrides };
  const givenUrl = request.url === undefined ? undefined : parseSmokeUrl(request.url);
  const stack = await deps.openStack(request.stack);
  const view = await loadStackView(stack);
  const ingressUrl = givenUrl ?? view.ingressUrl;
  if (!ingressUrl) {
    throw new CliError(
      `stack ${stack.name} exports no ingressUrl (it has not been deployed yet?): deploy it, or pass --url with the ingress's URL, e.g. --url http://localhost:8080 through a port-forward`,
      EXIT.invalidInput,
    );
  }
  const overrideHeader = view.config.overrideHeader;
  const send: Send = (method, path, backend, body) =>
    exchange(
      new URL(path, ingressUrl),
      {
        method,
        headers: { [overrideHeader]: backend, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      options,
    );
  const plan = smokePlan(view.deployed);
  deps.print(`Smoke test of stack ${stack.name} through ${ingressUrl}, each backend forced by ${overrideHeader}:\n`);
  const checks: SmokeCheck[] = [];
  for (const backend of plan.health) checks.push(judgeHealth(backend, await send("GET", APP_HEALTH_PATH, backend)));
  checks.push(...(await roundTrips(send, plan.roundTrips, `${deps.now().getTime()}-${options.randomToken()}`)));
  checks.push(...plan.skipped);
  deps.print(renderSmoke(checks));
  return smokePassed(checks) ? EXIT.ok : EXIT.failed;
}
