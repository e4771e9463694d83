import { createHash } from "node:crypto";
import type { RoutingPlan } from "../../routing/plan";

/** nginx exposes request header `X-Backend` as variable `$http_x_backend`. */
export function headerVariable(header: string): string {
  return `http_${header.toLowerCase().replace(/-/g, "_")}`;
}

/** The JSON document the Lua router polls: everything that may change between two weight steps. */
export function renderNginxRouting(plan: RoutingPlan): string {
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
    })),
    backends: {
      fastapi: plan.fastapi.servers,
      ...(plan.flask ? { flask: plan.flask.servers } : {}),
    },
  };
  // The version lets an operator match the routing a worker logged as loaded with the one that was published.
  const version = createHash("sha256").update(JSON.stringify(document)).digest("hex").slice(0, 12);
  return `${JSON.stringify({ version, ...document }, null, 2)}\n`;
}
