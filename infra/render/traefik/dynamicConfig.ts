import { dump } from "js-yaml";
import {
  BACKENDS,
  isSplit,
  routeUses,
  type Backend,
  type BackendName,
  type PlannedRoute,
  type RoutingPlan,
} from "../../routing/plan";
import { TRAEFIK_HOP_PORTS } from "./ports";

const OVERRIDE_PRIORITY = 1_000_000;

const hopService = (backend: BackendName) => `via-${backend}`;

/**
 * The service through which a route reaches one backend. Every route gets its own per backend, all pointing at the
 * same loopback hop: Traefik keeps request and latency metrics per load-balancer service only (a weighted service has
 * none, and a hop service shared by every route would mix them), so this is what gives each route's Flask and FastAPI
 * figures apart. Requests forced with the override header take the shared hop services and stay out of them.
 */
export const routeBackendService = (routeId: string, backend: BackendName) => `route-${routeId}-via-${backend}`;

function backendsOf(plan: RoutingPlan): Backend[] {
  return plan.flask ? [plan.fastapi, plan.flask] : [plan.fastapi];
}

function matchRule(route: PlannedRoute): string {
  const path = `PathPrefix(\`${route.path}\`)`;
  if (!route.methods) return path;
  return `${path} && (${route.methods.map((method) => `Method(\`${method}\`)`).join(" || ")})`;
}

function serviceFor(route: PlannedRoute): string {
  if (isSplit(route)) return `split-${route.id}`;
  return routeBackendService(route.id, routeUses(route, "fastapi") ? "fastapi" : "flask");
}

function weightedService(route: PlannedRoute) {
  return {
    weighted: {
      services: [
        { name: routeBackendService(route.id, "fastapi"), weight: route.weight },
        { name: routeBackendService(route.id, "flask"), weight: 100 - route.weight },
      ],
      ...(route.stickyCookie
        ? { sticky: { cookie: { name: route.stickyCookie, httpOnly: true, sameSite: "lax" } } }
        : {}),
    },
  };
}

function hopLoadBalancer(backend: BackendName) {
  return {
    loadBalancer: { servers: [{ url: `http://127.0.0.1:${TRAEFIK_HOP_PORTS[backend]}` }], passHostHeader: true },
  };
}

function backendService(backend: Backend) {
  return {
    loadBalancer: {
      servers: backend.servers.map((server) => ({ url: `http://${server}` })),
      passHostHeader: true,
      ...(backend.healthPath ? { healthCheck: { path: backend.healthPath, interval: "2s", timeout: "1s" } } : {}),
    },
  };
}

/**
 * The routing Traefik hot-reloads from its watched directory: one router per migration route (first match wins, so
 * priority falls with position), override routers that beat every weight, and services that reference Flask only
 * while some route still sends it traffic.
 */
export function renderTraefikRouting(plan: RoutingPlan): string {
  const backends = backendsOf(plan);
  const routeCount = plan.routes.length;
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  const middlewares: Record<string, unknown> = {};

  plan.routes.forEach((route, index) => {
    routers[`route-${route.id}`] = {
      entryPoints: ["web"],
      rule: matchRule(route),
      priority: (routeCount - index) * 10,
      service: serviceFor(route),
    };
    if (isSplit(route)) services[`split-${route.id}`] = weightedService(route);
    for (const backend of BACKENDS.filter((name) => routeUses(route, name)))
      services[routeBackendService(route.id, backend)] = hopLoadBalancer(backend);
  });

  for (const backend of backends) {
    routers[`override-${backend.name}`] = {
      entryPoints: ["web"],
      rule: `PathPrefix(\`/\`) && Header(\`${plan.overrideHeader}\`, \`${backend.name}\`)`,
      priority: OVERRIDE_PRIORITY,
      service: hopService(backend.name),
    };
    routers[`hop-${backend.name}`] = {
      entryPoints: [`hop-${backend.name}`],
      rule: "PathPrefix(`/`)",
      middlewares: [`served-by-${backend.name}`],
      service: backend.name,
    };
    middlewares[`served-by-${backend.name}`] = {
      headers: { customResponseHeaders: { [plan.servedByHeader]: backend.name } },
    };
    services[backend.name] = backendService(backend);
    services[hopService(backend.name)] = hopLoadBalancer(backend.name);
  }

  return dump({ http: { routers, middlewares, services } }, { lineWidth: -1, noRefs: true, sortKeys: true });
}
