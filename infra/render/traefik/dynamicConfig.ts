import { dump } from "js-yaml";
import type { HttpMethod } from "../../config/schema";
import {
  FAILOVER_METHODS,
  isSplit,
  routeUses,
  type Backend,
  type BackendName,
  type PlannedRoute,
  type RoutingPlan,
} from "../../routing/plan";

const OVERRIDE_PRIORITY = 1_000_000;

/** The middleware that sends a failed safe request once more through its route's service. */
const RETRY_MIDDLEWARE = "retry-on-other-backend";

/**
 * Health probes of the replicas behind a route. With failover they are fast: a backend's crash must be seen before the
 * retry of a request that failed on it (RETRY_WAIT), so that the retry goes to a live replica or to the other backend.
 * A probe checks only that the process serves (/healthz), never the database: a database blink must not take both
 * backends out.
 */
const FAILOVER_PROBE = { interval: "500ms", timeout: "1s" };
const PROBE = { interval: "2s", timeout: "1s" };

/**
 * How long Traefik's retry waits before the second attempt: its backoff draws between half and one and a half times
 * this, so at least 0.6 s, longer than a probe interval (0.5 s) and, for a replica that stopped answering SYNs, longer
 * than its dial timeout (1 s, staticConfig) plus the probe's own wait minus that dial timeout. By then the failed
 * replica is marked down and the retry cannot pick it again. Traefik v3.6 has no way to steer a retry away from the
 * server that failed but health, and its passive health check would also take a replica out for an app's own 500s (a
 * database blink would take out both backends).
 */
const RETRY_WAIT = "1200ms";

const other = (backend: BackendName): BackendName => (backend === "fastapi" ? "flask" : "fastapi");

/**
 * The load-balancer service through which a route reaches one backend's replicas. Every route has its own per backend:
 * Traefik keeps request and latency metrics per load-balancer service only (a weighted or failover service has none),
 * so this is what gives each route's Flask and FastAPI figures apart. A failed attempt before a failover counts here
 * too, as the backend's error. Requests forced with the override header take other services and stay out of them.
 */
export const routeBackendService = (routeId: string, backend: BackendName) => `route-${routeId}-via-${backend}`;

/** The names a route's routers may have: its own, and the one that retries its safe methods. */
export const routeRouters = (routeId: string) => [`route-${routeId}`, `route-${routeId}-retried`];

const overrideService = (backend: BackendName) => `override-via-${backend}`;

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
const soleBackend = (route: PlannedRoute): BackendName => (routeUses(route, "fastapi") ? "fastapi" : "flask");

function serviceFor(route: PlannedRoute, failover: boolean): string {
  if (isSplit(route)) return `split-${route.id}`;
  return failover ? `failover-${route.id}` : routeBackendService(route.id, soleBackend(route));
}

/** Weighted between the route's two backend services; with failover, a backend whose replicas are all down gets none. */
function weightedService(route: PlannedRoute, failover: boolean) {
  return {
    weighted: {
      services: [
        { name: routeBackendService(route.id, "fastapi"), weight: route.weight },
        { name: routeBackendService(route.id, "flask"), weight: 100 - route.weight },
      ],
      ...(route.stickyCookie
        ? { sticky: { cookie: { name: route.stickyCookie, httpOnly: true, sameSite: "lax" } } }
        : {}),
      ...(failover ? { healthCheck: {} } : {}),
    },
  };
}

/** A route that sends everything to one backend, with the other as its backup while that one is down. */
function failoverService(route: PlannedRoute) {
  const backend = soleBackend(route);
  return {
    failover: {
      service: routeBackendService(route.id, backend),
      fallback: routeBackendService(route.id, other(backend)),
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
 * With failover, a route's GET, HEAD and OPTIONS take a router of their own, one priority step above the route's, that
 * retries once (Traefik's retry middleware is not method-aware, and retries only a request that never reached an app).
 */
export function renderTraefikRouting(plan: RoutingPlan): string {
  const backends: Record<BackendName, Backend | undefined> = { fastapi: plan.fastapi, flask: plan.flask };
  const probe = plan.failover ? FAILOVER_PROBE : PROBE;
  const routeCount = plan.routes.length;
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};

  plan.routes.forEach((route, index) => {
    const priority = (routeCount - index) * 10;
    const service = serviceFor(route, plan.failover);
    const retried = plan.failover ? retriedMethods(route) : [];
    const onlyRetried = route.methods !== undefined && route.methods.length === retried.length;
    if (!onlyRetried)
      routers[`route-${route.id}`] = { entryPoints: ["web"], rule: matchRule(route), priority, service };
    if (retried.length > 0)
      routers[`route-${route.id}-retried`] = {
        entryPoints: ["web"],
        rule: matchRule(route, retried),
        priority: priority + 1,
        middlewares: [RETRY_MIDDLEWARE],
        service,
      };

    if (isSplit(route)) services[service] = weightedService(route, plan.failover);
    else if (plan.failover) services[service] = failoverService(route);
    for (const backend of Object.values(backends)) {
      if (backend && (plan.failover || routeUses(route, backend.name)))
        services[routeBackendService(route.id, backend.name)] = loadBalancer(backend, probe);
    }
  });

  for (const backend of Object.values(backends)) {
    if (!backend) continue;
    routers[`override-${backend.name}`] = {
      entryPoints: ["web"],
      rule: `PathPrefix(\`/\`) && Header(\`${plan.overrideHeader}\`, \`${backend.name}\`)`,
      priority: OVERRIDE_PRIORITY,
      service: overrideService(backend.name),
    };
    services[overrideService(backend.name)] = loadBalancer(backend, PROBE);
  }

  // Traefik refuses an empty middlewares section.
  const middlewares = plan.failover
    ? { middlewares: { [RETRY_MIDDLEWARE]: { retry: { attempts: 2, initialInterval: RETRY_WAIT } } } }
    : {};
  return dump({ http: { routers, ...middlewares, services } }, { lineWidth: -1, noRefs: true, sortKeys: true });
}
