import type { MigrationMap } from "../routing/route";
import { SERVED_BY_HEADER, type BackendName } from "../routing/plan";
import { flaskTrafficOf } from "../routing/snapshot";
import { CutoverInputError } from "./inputError";
import { formatTable } from "./textTable";

export type SmokeOutcome = "pass" | "fail" | "skipped";

export interface SmokeCheck {
  readonly check: string;
  readonly outcome: SmokeOutcome;
  readonly detail: string;
}

/** What one request through the ingress came to: the response (served-by in lower case), or why there was none. */
export type Exchange =
  { readonly status: number; readonly servedBy?: string; readonly body?: unknown } | { readonly error: string };

/** A user written through one app and read back through the other, which then deletes it. */
export interface RoundTrip {
  readonly writer: BackendName;
  readonly reader: BackendName;
}

export interface SmokePlan {
  /** Backends whose health is checked, each forced by the override header. */
  readonly health: readonly BackendName[];
  readonly roundTrips: readonly RoundTrip[];
  /** Checks that cannot run on this deployment, with why. */
  readonly skipped: readonly SmokeCheck[];
}

export interface UserFields {
  readonly email: string;
  readonly name: string;
}

export const USERS_PATH = "/api/users";

const FLASK_NOT_ROUTED =
  "Flask is no longer routed (every route and the default send 100% to FastAPI), so the override header cannot reach it";

const checkName = (operation: "health" | "write" | "read" | "delete", backend: BackendName) =>
  `${operation} through ${backend}`;

/**
 * Both apps, both ways, while Flask is routed. Once it is not, the ingress ignores an override to Flask, so its checks
 * are skipped and FastAPI reads back its own write. A map that could not be read counts as still routing Flask, as
 * for the decommission guard: the Flask checks then fail loudly instead of being skipped on a guess.
 */
export function smokePlan(deployed: MigrationMap | undefined): SmokePlan {
  if (!deployed || flaskTrafficOf(deployed).length > 0) {
    return {
      health: ["fastapi", "flask"],
      roundTrips: [
        { writer: "flask", reader: "fastapi" },
        { writer: "fastapi", reader: "flask" },
      ],
      skipped: [],
    };
  }
  return {
    health: ["fastapi"],
    roundTrips: [{ writer: "fastapi", reader: "fastapi" }],
    skipped: (["health", "write", "read", "delete"] as const).map((operation) => ({
      check: checkName(operation, "flask"),
      outcome: "skipped",
      detail: FLASK_NOT_ROUTED,
    })),
  };
}

/** A user no one else has: the run's own token in the email (which the apps keep unique), one per writing app. */
export function smokeUser(runToken: string, writer: BackendName): UserFields {
  return { email: `smoke-${runToken}-${writer}@example.invalid`, name: `Smoke test written through ${writer}` };
}

/** `--url` as given, when it can reach an ingress at all. */
export function parseSmokeUrl(raw: string): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new CutoverInputError(
      `--url must be the ingress's http:// or https:// URL, e.g. http://localhost:8080; got "${raw}"`,
    );
  }
  return raw;
}

const field = (body: unknown, name: string): unknown =>
  typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;

/** Status and who served, e.g. `201 from flask`, with the app's error message when it gave one. */
function received(exchange: { readonly status: number; readonly servedBy?: string; readonly body?: unknown }): string {
  const who = exchange.servedBy ? `from ${exchange.servedBy}` : `without ${SERVED_BY_HEADER}`;
  const message = field(exchange.body, "message");
  return `${exchange.status} ${who}${typeof message === "string" ? ` (${message})` : ""}`;
}

/** Why the exchange is not the expected status from the forced backend; undefined when it is. */
function problem(exchange: Exchange, status: number, backend: BackendName): string | undefined {
  if ("error" in exchange) return exchange.error;
  if (exchange.status === status && exchange.servedBy === backend) return undefined;
  return `${received(exchange)}; expected ${status} from ${backend}`;
}

const pass = (check: string, detail: string): SmokeCheck => ({ check, outcome: "pass", detail });
const fail = (check: string, detail: string): SmokeCheck => ({ check, outcome: "fail", detail });

export function judgeHealth(backend: BackendName, exchange: Exchange): SmokeCheck {
  const check = checkName("health", backend);
  const wrong = problem(exchange, 200, backend);
  return wrong ? fail(check, wrong) : pass(check, `200 from ${backend}`);
}

/** The user's id comes with any 201 that holds one, even a failing one, so that the user is still cleaned up. */
export function judgeWrite(
  writer: BackendName,
  exchange: Exchange,
): { readonly check: SmokeCheck; readonly userId?: number } {
  const check = checkName("write", writer);
  const id = "error" in exchange || exchange.status !== 201 ? undefined : field(exchange.body, "id");
  const userId = Number.isSafeInteger(id) ? (id as number) : undefined;
  const wrong = problem(exchange, 201, writer);
  if (wrong) return { check: fail(check, userId === undefined ? wrong : `${wrong}, user ${userId}`), userId };
  return userId === undefined
    ? { check: fail(check, `201 from ${writer}, but no user id in the body`) }
    : { check: pass(check, `201 from ${writer}, user ${userId}`), userId };
}

export function judgeRead(trip: RoundTrip, userId: number, written: UserFields, exchange: Exchange): SmokeCheck {
  const check = checkName("read", trip.reader);
  const wrong = problem(exchange, 200, trip.reader);
  if (wrong) return fail(check, `${wrong}, user ${userId}`);
  const body = "error" in exchange ? undefined : exchange.body;
  const differences = (["email", "name"] as const)
    .filter((name) => field(body, name) !== written[name])
    .map(
      (name) => `${name} ${JSON.stringify(field(body, name)) ?? "missing"} instead of ${JSON.stringify(written[name])}`,
    );
  return differences.length > 0
    ? fail(
        check,
        `200 from ${trip.reader}, user ${userId} differs from the write through ${trip.writer}: ${differences.join("; ")}`,
      )
    : pass(check, `200 from ${trip.reader}, user ${userId} as written through ${trip.writer}`);
}

/** The user is deleted by the app that read it, so a round trip also deletes across apps. */
export function judgeDelete(trip: RoundTrip, userId: number, exchange: Exchange): SmokeCheck {
  const check = checkName("delete", trip.reader);
  const wrong = problem(exchange, 204, trip.reader);
  return wrong
    ? fail(check, `${wrong}; user ${userId} is left in the database: DELETE ${USERS_PATH}/${userId} by hand`)
    : pass(check, `204 from ${trip.reader}, user ${userId}`);
}

/** The read of a round trip whose write returned no id. */
export function skippedRead(trip: RoundTrip): SmokeCheck {
  return {
    check: checkName("read", trip.reader),
    outcome: "skipped",
    detail: `no user id from the write through ${trip.writer}, nothing to read`,
  };
}

/** The delete of a round trip whose write returned no id: a write that timed out may still have stored the user. */
export function skippedDelete(trip: RoundTrip, written: UserFields): SmokeCheck {
  return {
    check: checkName("delete", trip.reader),
    outcome: "skipped",
    detail: `no user id from the write through ${trip.writer}; if it was stored anyway, delete the user with email ${written.email} by hand`,
  };
}

export function smokePassed(checks: readonly SmokeCheck[]): boolean {
  return checks.every((check) => check.outcome !== "fail");
}

/** One row per check, then the verdict with what failed. */
export function renderSmoke(checks: readonly SmokeCheck[]): string {
  const table = formatTable(
    ["CHECK", "OUTCOME", "DETAIL"],
    checks.map((check) => [check.check, check.outcome, check.detail]),
  );
  const count = (outcome: SmokeOutcome) => checks.filter((check) => check.outcome === outcome).length;
  const skipped = count("skipped") > 0 ? `, ${count("skipped")} skipped` : "";
  const failed = checks.filter((check) => check.outcome === "fail").map((check) => check.check);
  const verdict =
    failed.length === 0
      ? `Smoke test passed: ${count("pass")} of ${checks.length} checks passed${skipped}.`
      : `Smoke test failed: ${failed.join(", ")} (${failed.length} of ${checks.length} checks; DETAIL says what came back).`;
  return `${table}\n\n${verdict}`;
}
