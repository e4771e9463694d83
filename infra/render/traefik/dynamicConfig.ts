import { dump } from "js-yaml";
import type { HttpMethod } from "../../config/schema";
import {
  BACKENDS,
  FAILOVER_METHODS,
  isSplit,
  routeUses,
  SERVED_BY_HEADER,
  type Backend,
  type BackendName,
  type PlannedRoute,
  type RoutingPlan,
} from "../../routing/plan";
import type { TraefikMetricNames } from "../../monitoring/monitoringFacts";
import { FAILOVER_BUDGET } from "../failoverBudget";
import { FAILOVER_RETRY_PLUGIN } from "./localPlugins";

const OVERRIDE_PRIORITY = 1_000_000;

/** The entry point every router takes: the public one of the static configuration. */
export const ENTRY_POINT = "web";

/**
 * The middleware that sends a safe request once more through its route's service when Traefik itself failed it: the
 * project's plugin (localPlugins.ts), since Traefik's own retry middleware resends only a request that never
 * reached a server, and so loses a GET in flight on a replica that crashes.
 */
export const RETRY_MIDDLEWARE = "failover-retry";

/**
 * Health probes of the replicas behind a route. With failover they are fast: a backend's crash must be seen before the
 * retry of a request that failed on it (RETRY_WAIT), so that the retry goes to a live replica or to the other backend.
 * A probe checks only that the process serves (/healthz), never the database: a database blink must not take both
 * backends out.
 */
const FAILOVER_PROBE_MS = { interval: 500, timeout: 1_000 };
const FAILOVER_PROBE = { interval: `${FAILOVER_PROBE_MS.interval}ms`, timeout: `${FAILOVER_PROBE_MS.timeout}ms` };
const PROBE = { interval: "2s", timeout: "1s" };

/**
 * How long the retry waits before the second attempt: one probe interval and one probe timeout, and a margin for the
 * probes of the service's other replicas, which Traefik runs one after the other. A replica that dies is marked down by
 * the first probe after its death, which starts within an interval and fails within a timeout: at once when the replica
 * refuses connections, only at the timeout when its address no longer answers (a killed container's, until the engine
 * restarts it). The request in flight on it fails at once, so a shorter wait could send the retry to the dead replica
 * again (a CI run lost a GET that way with a wait of 0.6 s). Traefik v3.6 steers a request away from a server only by
 * health; its passive health check would steer faster, but it also takes a replica out for the app's own 500s, and a
 * database blink would take out both backends.
 */
const RETRY_WAIT = `${FAILOVER_PROBE_MS.interval + FAILOVER_PROBE_MS.timeout + 250}ms`;

/** The retry middleware's configuration, as the file provider and the Middleware CRD's spec both take it. */
export const retryMiddleware = {
  plugin: {
    [FAILOVER_RETRY_PLUGIN]: {
      methods: [...FAILOVER_METHODS],
      backendHeader: SERVED_BY_HEADER,
      wait: RETRY_WAIT,
      budgetFloorPerSecond: FAILOVER_BUDGET.floorPerSecond,
      budgetShare: FAILOVER_BUDGET.share,
    },
  },
};

const other = (backend: BackendName): BackendName => (backend === "fastapi" ? "flask" : "fastapi");

/**
 * The load-balancer service through which a route reaches one backend's replicas. Every route has its own per backend:
 * Traefik keeps request and latency metrics per load-balancer service only (a weighted or failover service has none),
 * so this is what gives each route's Flask and FastAPI figures apart. A failed attempt before a retry counts here too,
 * as the backend's error. Requests forced with the override header take other services and stay out of them.
 */
export const routeBackendService = (routeId: string, backend: BackendName) => `route-${routeId}-via-${backend}`;

/** The names a route's routers may have: its own, and the one that retries its safe methods. */
export const routeRouters = (routeId: string) => [`route-${routeId}`, `route-${routeId}-retried`];

/**
 * The other backend's replicas serving a route's share of `backend` while all of that backend's are down: a service of
 * its own, so that what it serves counts as `backend`'s failures and stays out of the other backend's own figures.
 */
export const routeFallbackService = (routeId: string, backend: BackendName) =>
  `route-${routeId}-fallback-for-${backend}`;

/**
 * The names of a route's services and routers in Traefik's metrics, as the file provider qualifies them ("@file"): what
 * Prometheus's rules select on the Docker target.
 */
export const FILE_PROVIDER_METRIC_NAMES: TraefikMetricNames = {
  routeBackend: (routeId, backend) => `${routeBackendService(routeId, backend)}@file`,
  routeFallback: (routeId, backend) => `${routeFallbackService(routeId, backend)}@file`,
  routeRouters: (routeId) => `(${routeRouters(routeId).join("|")})@file`,
};

const overrideService = (backend: BackendName) => `override-via-${backend}`;

/** The service that deals a split route's requests between the two backends by its weight. */
export const splitService = (routeId: string) => `split-${routeId}`;

function methodsRule(methods: readonly string[]): string {
  return `(${methods.map((method) => `Method(\`${method}\`)`).join(" || ")})`;
}

function matchRule(route: PlannedRoute, methods = route.methods): string {
  const path = `PathPrefix(\`${route.path}\`)`;
  return methods ? `${path} && ${methodsRule(methods)}` : path;
}

/** The route's methods that failover retries (all of FAILOVER_METHODS for a route of every method). */
function retriedMethods(route: PlannedRoute): HttpMethod[] {
  return FAILOVER_METHODS.filter((method) => !route.methods || route.methods.includes(method));
}

/** The backend a route that is not split sends everything to. */
export const soleBackend = (route: PlannedRoute): BackendName => (routeUses(route, "fastapi") ? "fastapi" : "flask");

/**
 * What serves a route's share of one backend: where the other backend is its fallback (PlannedRoute's
 * otherBackendFallback), that backend while any of its replicas is up, else the other backend through the route's
 * fallback service for it; elsewhere, that backend alone.
 */
function shareService(route: PlannedRoute, backend: BackendName): string {
  return route.otherBackendFallback ? `failover-${route.id}-${backend}` : routeBackendService(route.id, backend);
}

function serviceFor(route: PlannedRoute): string {
  return isSplit(route) ? splitService(route.id) : shareService(route, soleBackend(route));
}

/**
 * A split route's weighted round robin over each backend's share (`shareOf` names what serves it, as the provider
 * references a service), with the route's sticky cookie: the file provider's `weighted` service and the TraefikService
 * CRD's `weighted` spec have the same shape.
 */
export function weightedSplit<Share extends object>(route: PlannedRoute, shareOf: (backend: BackendName) => Share) {
  return {
    services: [
      { ...shareOf("fastapi"), weight: route.weight },
      { ...shareOf("flask"), weight: 100 - route.weight },
    ],
    ...(route.stickyCookie
      ? { sticky: { cookie: { name: route.stickyCookie, httpOnly: true, sameSite: "lax" } } }
      : {}),
  };
}

/** A router of one migration route, whatever provider carries it. */
export interface RouteRouter {
  readonly rule: string;
  readonly priority: number;
  /** The router of the route's retried methods, which takes the retry middleware. */
  readonly retried: boolean;
}

/**
 * The routers of the plan's route at `index`: first match wins, so priority falls with position. With failover, the
 * route's GET, HEAD and OPTIONS take a router of their own, one priority step above the route's, with the retry: a
 * request of another method never pays for the interpreted plugin (which checks the method again, and never sends a
 * request with a body twice). A route of retried methods only has no other router.
 */
export function routersOfRoute(plan: RoutingPlan, index: number): RouteRouter[] {
  const route = plan.routes[index];
  const priority = (plan.routes.length - index) * 10;
  const retried = plan.failover ? retriedMethods(route) : [];
  const onlyRetried = route.methods !== undefined && route.methods.length === retried.length;
  return [
    ...(onlyRetried ? [] : [{ rule: matchRule(route), priority, retried: false }]),
    ...(retried.length > 0 ? [{ rule: matchRule(route, retried), priority: priority + 1, retried: true }] : []),
  ];
}

/** A router that sends every request naming a backend in the override header to that backend, whatever the weights. */
export interface OverrideRouter {
  readonly name: string;
  readonly rule: string;
  readonly priority: number;
  readonly backend: Backend;
}

/** One override router per backend in the plan, above every route's priority. */
export function overrideRouters(plan: RoutingPlan): OverrideRouter[] {
  return [plan.fastapi, plan.flask]
    .filter((backend): backend is Backend => backend !== undefined)
    .map((backend) => ({
      name: `override-${backend.name}`,
      rule: `PathPrefix(\`/\`) && Header(\`${plan.overrideHeader}\`, \`${backend.name}\`)`,
      priority: OVERRIDE_PRIORITY,
      backend,
    }));
}

function failoverService(routeId: string, backend: BackendName) {
  return {
    failover: {
      service: routeBackendService(routeId, backend),
      fallback: routeFallbackService(routeId, backend),
      healthCheck: {},
    },
  };
}

function loadBalancer(backend: Backend, probe: { interval: string; timeout: string }) {
  return {
    loadBalancer: {
      servers: backend.servers.map((server) => ({ url: `http://${server}` })),
      passHostHeader: true,
      ...(backend.healthPath ? { healthCheck: { path: backend.healthPath, ...probe } } : {}),
    },
  };
}

/**
 * The routing Traefik hot-reloads from its watched directory: one router per migration route (first match wins, so
 * priority falls with position), override routers that beat every weight, and services that reference Flask only
 * while some route still sends it traffic or, with failover, while it is the backup.
 *
 * With failover, each backend's share of a route is a failover service (see shareService): the backend while any of its
 * replicas passes its probe, else the other backend (Flask serves a 100% route's requests too while every FastAPI
 * replica is down; FastAPI never serves a 0% route); the route's safe methods are retried (see routersOfRoute).
 */
export function renderTraefikRouting(plan: RoutingPlan): string {
  const backends: Record<BackendName, Backend | undefined> = { fastapi: plan.fastapi, flask: plan.flask };
  const probe = plan.failover ? FAILOVER_PROBE : PROBE;
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};

  plan.routes.forEach((route, index) => {
    const service = serviceFor(route);
    const [ownRouter, retryingRouter] = routeRouters(route.id);
    for (const { rule, priority, retried } of routersOfRoute(plan, index))
      routers[retried ? retryingRouter : ownRouter] = {
        entryPoints: [ENTRY_POINT],
        rule,
        priority,
        ...(retried ? { middlewares: [RETRY_MIDDLEWARE] } : {}),
        service,
      };

    if (isSplit(route))
      services[service] = { weighted: weightedSplit(route, (backend) => ({ name: shareService(route, backend) })) };
    for (const backend of BACKENDS.filter((name) => routeUses(route, name))) {
      services[routeBackendService(route.id, backend)] = loadBalancer(backends[backend]!, probe);
      if (!route.otherBackendFallback) continue;
      services[shareService(route, backend)] = failoverService(route.id, backend);
      services[routeFallbackService(route.id, backend)] = loadBalancer(backends[other(backend)]!, probe);
    }
  });

  for (const { name, rule, priority, backend } of overrideRouters(plan)) {
    routers[name] = { entryPoints: [ENTRY_POINT], rule, priority, service: overrideService(backend.name) };
    services[overrideService(backend.name)] = loadBalancer(backend, PROBE);
  }

  // Traefik refuses an empty middlewares section.
  const middlewares = plan.failover ? { middlewares: { [RETRY_MIDDLEWARE]: retryMiddleware } } : {};
  return dump({ http: { routers, ...middlewares, services } }, { lineWidth: -1, noRefs: true, sortKeys: true });
}
