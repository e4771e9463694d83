import type { RouteMatcher } from "./route";

export const DEFAULT_ROUTE_ID = "default";

function slug(route: RouteMatcher): string {
  const pathPart =
    route.path
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "root";
  const methodPart = route.methods ? `-${route.methods.map((method) => method.toLowerCase()).join("-")}` : "";
  return `${pathPart}${methodPart}`;
}

/**
 * Readable, stable identifiers for routes (router names, cookie names, metric labels). They are derived from what a
 * route matches rather than from its position, so reordering the map does not relabel dashboards.
 */
export function assignRouteIds(routes: readonly RouteMatcher[]): string[] {
  const taken = new Set<string>([DEFAULT_ROUTE_ID]);
  return routes.map((route) => {
    const base = slug(route);
    let id = base;
    for (let suffix = 2; taken.has(id); suffix++) id = `${base}-${suffix}`;
    taken.add(id);
    return id;
  });
}
