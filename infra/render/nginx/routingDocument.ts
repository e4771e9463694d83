import { createHash } from "node:crypto";
import { FAILOVER_METHODS, type RoutingPlan } from "../../routing/plan";
import { FAILOVER_BUDGET, type FailoverBudget } from "../failoverBudget";

/** nginx exposes request header `X-Backend` as variable `$http_x_backend`. */
export function headerVariable(header: string): string {
  return `http_${header.toLowerCase().replace(/-/g, "_")}`;
}

/**
 * The JSON document the Lua router polls: everything that may change between two weight steps. The budget is a
 * parameter so that a test can publish a tiny one to a running ingress.
 */
export function renderNginxRouting(plan: RoutingPlan, budget: FailoverBudget = FAILOVER_BUDGET): string {
  const document = {
    overrideHeaderVariable: headerVariable(plan.overrideHeader),
    servedByHeader: plan.servedByHeader,
    // The Lua router reads these keys (migration_router.lua): they keep their names, whatever the plan calls them.
    routes: plan.routes.map((route) => ({
      id: route.id,
      pathPrefix: route.path,
      ...(route.methods ? { methods: route.methods } : {}),
      fastapiWeight: route.weight,
      ...(route.stickyCookie ? { stickyCookie: route.stickyCookie } : {}),
      otherBackendFallback: route.otherBackendFallback,
    })),
    backends: {
      fastapi: plan.fastapi.servers,
      ...(plan.flask ? { flask: plan.flask.servers } : {}),
    },
    // Absent when failover is off: the router then answers a failed attempt with its error, as before failover.
    ...(plan.failover ? { failover: { methods: FAILOVER_METHODS, budget } } : {}),
  };
  // The version lets an operator match the routing a worker logged as loaded with the one that was published.
  const version = createHash("sha256").update(JSON.stringify(document)).digest("hex").slice(0, 12);
  return `${JSON.stringify({ version, ...document }, null, 2)}\n`;
}
