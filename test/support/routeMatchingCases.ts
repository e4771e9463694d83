import type { HttpMethod } from "../../infra/config/schema";
import {
  buildRoutingPlan,
  SERVED_BY_HEADER,
  type BackendName,
  type BackendServers,
  type RoutingPlan,
} from "../../infra/routing/plan";
import type { MigrationMap } from "../../infra/routing/route";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "./configs";

/**
 * One table of routing decisions that every implementation of the migration map must reach alike: the TypeScript
 * matcher (what the cutover tooling reasons with), the Traefik rules and the nginx Lua router (what serves traffic).
 * Weights are 0 and 100 only, so each case has exactly one right backend and one request decides it.
 *
 * The map is read top to bottom, first match wins. It is a valid config map (planFor validates it): no route is a
 * duplicate or shadowed by an earlier one.
 */
export const MATCHING_MAP: MigrationMap = {
  // Unmatched requests go to Flask, so that a request wrongly falling through to the default shows against a 100% route.
  defaultWeight: 0,
  routes: [
    // Broad and method-restricted, and first: POSTs anywhere under /api stay on Flask, even under the longer
    // /api/orders prefix below. Every other method passes it by.
    { path: "/api", methods: ["POST"], weight: 0 },
    // A narrower prefix before a broader one, the usual way to hold back part of a migrated area.
    { path: "/api/orders/legacy", weight: 0 },
    { path: "/api/orders", weight: 100 },
    // GET only: HEAD is not implied.
    { path: "/api/users", methods: ["GET"], weight: 100 },
    // Two methods: rendered as a disjunction of method matchers in Traefik.
    { path: "/api/products", methods: ["GET", "HEAD"], weight: 100 },
  ],
};

/** The dev stack's override header (its default), which the plan built by planFor carries. */
export const OVERRIDE_HEADER = "X-Backend";

/** The header the stand-in backends (and the real apps) answer with their own name: who really served a request. */
export const APP_BACKEND_HEADER = "X-App-Backend";

export interface RouteMatchingCase {
  readonly method: HttpMethod;
  /** The request target: a path, possibly with a query string. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly expected: BackendName;
  readonly why: string;
}

export const ROUTE_MATCHING_CASES: readonly RouteMatchingCase[] = [
  // Prefix semantics: a plain string prefix (docs/cutover.md), as Traefik's PathPrefix and the Lua router's string.sub.
  { method: "GET", path: "/api/orders", expected: "fastapi", why: "a prefix matches the path equal to it" },
  { method: "GET", path: "/api/orders/7", expected: "fastapi", why: "a prefix matches every path below it" },
  {
    method: "GET",
    path: "/api/orders-archive",
    expected: "fastapi",
    why: "a prefix is a string prefix, not a path segment: /api/orders also takes /api/orders-archive",
  },
  {
    method: "GET",
    path: "/api/order",
    expected: "flask",
    why: "a path shorter than a prefix does not match it: the default takes it",
  },
  { method: "GET", path: "/API/orders", expected: "flask", why: "paths match case-sensitively" },

  // First match wins, in map order.
  {
    method: "GET",
    path: "/api/orders/legacy/3",
    expected: "flask",
    why: "first match wins: /api/orders/legacy comes before the broader /api/orders, which also matches",
  },
  {
    method: "POST",
    path: "/api/orders/7",
    expected: "flask",
    why: "first match wins, not the longest prefix: POST-only /api comes first (Traefik alone ranks longer rules first)",
  },

  // Methods restrict a route.
  { method: "GET", path: "/api/users/7", expected: "fastapi", why: "a GET-only route takes GETs" },
  {
    method: "PUT",
    path: "/api/users/7",
    expected: "flask",
    why: "a method a route does not list falls through, here past every route to the default",
  },
  {
    method: "DELETE",
    path: "/api/orders/7",
    expected: "fastapi",
    why: "a method a route does not list falls through to a later route: past POST-only /api to /api/orders",
  },

  // HEAD is a method of its own.
  {
    method: "HEAD",
    path: "/api/users/7",
    expected: "flask",
    why: "a GET-only route does not take HEAD: the default does",
  },
  { method: "HEAD", path: "/api/products/7", expected: "fastapi", why: "a route that lists HEAD takes it" },
  { method: "GET", path: "/api/products", expected: "fastapi", why: "a route that lists two methods takes either" },

  // The default route.
  { method: "GET", path: "/static/app.js", expected: "flask", why: "a path no route matches goes to the default" },
  { method: "GET", path: "/", expected: "flask", why: "the root path matches no route: the default takes it" },

  // The query string is not part of the path.
  {
    method: "GET",
    path: "/api/orders/legacy?page=2",
    expected: "flask",
    why: "a query string does not stop a prefix from matching",
  },
  {
    method: "GET",
    path: "/?next=/api/orders",
    expected: "flask",
    why: "a query string is not matched: naming a migrated path in it changes nothing",
  },

  // The override header beats every weight.
  {
    method: "GET",
    path: "/api/orders/legacy/3",
    headers: { [OVERRIDE_HEADER]: "fastapi" },
    expected: "fastapi",
    why: "the override header sends a 0% route to FastAPI",
  },
  {
    method: "GET",
    path: "/api/orders/7",
    headers: { [OVERRIDE_HEADER]: "flask" },
    expected: "flask",
    why: "the override header sends a 100% route to Flask",
  },
  {
    method: "GET",
    path: "/static/app.js",
    headers: { [OVERRIDE_HEADER]: "fastapi" },
    expected: "fastapi",
    why: "the override header beats the default weight too",
  },
  {
    method: "HEAD",
    path: "/api/users/7",
    headers: { [OVERRIDE_HEADER]: "fastapi" },
    expected: "fastapi",
    why: "the override header works whatever the method, even one that no route takes",
  },
  {
    method: "GET",
    path: "/api/orders/7",
    headers: { [OVERRIDE_HEADER]: "django" },
    expected: "fastapi",
    why: "an override value that names no backend is ignored: the weights decide",
  },
  {
    method: "GET",
    path: "/static/app.js",
    headers: { [OVERRIDE_HEADER]: "FastAPI" },
    expected: "flask",
    why: "override values are exact and lower-case (docs/cutover.md): FastAPI is not fastapi, so it is ignored",
  },
];

export const usesOverrideHeader = (testCase: RouteMatchingCase) => testCase.headers?.[OVERRIDE_HEADER] !== undefined;

/** A test name that shows the whole request and the answer expected. */
export function caseName(testCase: RouteMatchingCase): string {
  const headers = Object.entries(testCase.headers ?? {}).map(([name, value]) => ` [${name}: ${value}]`);
  return `${testCase.method} ${testCase.path}${headers.join("")} -> ${testCase.expected} (${testCase.why})`;
}

/**
 * The only place that builds a plan from the table's map, so that a change to buildRoutingPlan's parameters is a
 * one-line fix. The map goes through the config validator first, as a stack's map would.
 */
export function planFor(servers: BackendServers): RoutingPlan {
  const config = devPlatformConfig({ routes: MATCHING_MAP.routes, defaultWeight: MATCHING_MAP.defaultWeight });
  return buildRoutingPlan(snapshotOf(config), config, servers);
}

export interface CaseReply {
  readonly status: number;
  /** Who answered, by the backend's own word. */
  readonly backend: string | null;
  /** Who answered, by the ingress's word. */
  readonly servedBy: string | null;
}

/** Sends one case through an ingress. Both names come from headers, since a HEAD answer has no body. */
export async function sendCase(ingressUrl: string, testCase: RouteMatchingCase): Promise<CaseReply> {
  const response = await fetch(`${ingressUrl}${testCase.path}`, { method: testCase.method, headers: testCase.headers });
  await response.arrayBuffer();
  return {
    status: response.status,
    backend: response.headers.get(APP_BACKEND_HEADER),
    servedBy: response.headers.get(SERVED_BY_HEADER),
  };
}

export const expectedReply = (testCase: RouteMatchingCase): CaseReply => ({
  status: 200,
  backend: testCase.expected,
  servedBy: testCase.expected,
});
