import { dump } from "js-yaml";
import { isSplit, routeUses, type Backend, type BackendName, type PlannedRoute, type RoutingPlan } from "../../routing/plan";
import { TRAEFIK_HOP_PORTS } from "./ports";

const OVERRIDE_PRIORITY = 1_000_000;

const hopService = (backend: BackendName) => `via-${backend}`;

function backendsOf(plan: RoutingPlan): Backend[] {
  return plan.flask ? [plan.fastapi, plan.flask] : [plan.fastapi];
}

function matchRule(route: PlannedRoute): string {
  const path = `PathPrefix(\`${route.pathPrefix}\`)`;
  if (!route.methods) return path;
  return `${path} && (${route.methods.map((method) => `Method(\`${method}\`)`).join(" || ")})`;
}

function serviceFor(route: PlannedRoute): string {
  if (isSplit(route)) return `split-${route.id}`;
  return hopService(routeUses(route, "fastapi") ? "fastapi" : "flask");
}

function weightedService(route: PlannedRoute) {
  return {
    weighted: {
      services: [
        { name: hopService("fastapi"), weight: route.fastapiWeight },
        { name: hopService("flask"), weight: 100 - route.fastapiWeight },
      ],
      ...(route.stickyCookie ? { sticky: { cookie: { name: route.stickyCookie, httpOnly: true, sameSite: "lax" } } } : {}),
    },
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
    routers[`route-${route.id}`] = { entryPoints: ["web"], rule: matchRule(route), priority: (routeCount - index) * 10, service: serviceFor(route) };
    if (isSplit(route)) services[`split-${route.id}`] = weightedService(route);
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
    middlewares[`served-by-${backend.name}`] = { headers: { customResponseHeaders: { [plan.servedByHeader]: backend.name } } };
    services[backend.name] = backendService(backend);
    services[hopService(backend.name)] = { loadBalancer: { servers: [{ url: `http://127.0.0.1:${TRAEFIK_HOP_PORTS[backend.name]}` }], passHostHeader: true } };
  }

  return dump({ http: { routers, middlewares, services } }, { lineWidth: -1, noRefs: true, sortKeys: true });
}
