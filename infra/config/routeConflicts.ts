import type { RouteMatcher } from "../routing/route";

export function describeMatcher(route: RouteMatcher): string {
  return `${route.path} (${route.methods ? route.methods.join(", ") : "all methods"})`;
}

function methodsOverlap(a: RouteMatcher, b: RouteMatcher): boolean {
  if (!a.methods || !b.methods) return true;
  return a.methods.some((method) => b.methods!.includes(method));
}

function methodsCover(outer: RouteMatcher, inner: RouteMatcher): boolean {
  if (!outer.methods) return true;
  if (!inner.methods) return false;
  return inner.methods.every((method) => outer.methods!.includes(method));
}

export type RouteConflict =
  | { readonly kind: "duplicate"; readonly index: number; readonly earlierIndex: number }
  | { readonly kind: "shadowed"; readonly index: number; readonly earlierIndex: number };

/**
 * Routes are matched first to last, by path prefix and method. A later route is a duplicate when an earlier one has the
 * same path and shares a method, and shadowed when an earlier, broader prefix already takes every request it would get:
 * either way it could never receive traffic, which is never what the author meant.
 */
export function findRouteConflicts(routes: readonly RouteMatcher[]): RouteConflict[] {
  const conflicts: RouteConflict[] = [];
  routes.forEach((route, index) => {
    for (let earlierIndex = 0; earlierIndex < index; earlierIndex++) {
      const earlier = routes[earlierIndex];
      if (earlier.path === route.path && methodsOverlap(earlier, route)) {
        conflicts.push({ kind: "duplicate", index, earlierIndex });
        return;
      }
      if (route.path.startsWith(earlier.path) && methodsCover(earlier, route)) {
        conflicts.push({ kind: "shadowed", index, earlierIndex });
        return;
      }
    }
  });
  return conflicts;
}

/**
 * Where the Gateway API would route differently from the map's first-match order: it picks the longest path prefix
 * first, then a rule with a method over one without, so a later route whose path extends an earlier route's (as text:
 * it also catches `/api/order` before `/api/orders`, which the Gateway's whole-segment prefixes tell apart) and that
 * shares a method with it would take those requests from the earlier one. The index of each such later route, with
 * the earlier route it would take them from. Shadowed and duplicate routes are findRouteConflicts's.
 */
export function findGatewayPrecedenceConflicts(
  routes: readonly RouteMatcher[],
): { readonly index: number; readonly earlierIndex: number }[] {
  return routes.flatMap((route, index) => {
    const earlierIndex = routes
      .slice(0, index)
      .findIndex(
        (earlier) =>
          route.path !== earlier.path &&
          route.path.startsWith(earlier.path) &&
          methodsOverlap(earlier, route) &&
          !methodsCover(earlier, route),
      );
    return earlierIndex >= 0 ? [{ index, earlierIndex }] : [];
  });
}
