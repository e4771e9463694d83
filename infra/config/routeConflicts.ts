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
