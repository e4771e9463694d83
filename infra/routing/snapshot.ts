import { z } from "zod";
import { HTTP_METHODS, type PlatformConfig } from "../config/schema";
import { describeMatcher } from "../config/routeConflicts";
import type { MigrationMap, WeightedRoute } from "./route";

/**
 * The migration map as a stack exports it. The platform reads its own last snapshot back to limit step sizes, and the
 * legacy stack reads it to know whether Flask still receives traffic.
 */
export const migrationMapSchema = z.object({
  defaultWeight: z.number().int().min(0).max(100),
  routes: z.array(
    z.object({
      path: z.string(),
      methods: z.array(z.enum(HTTP_METHODS)).optional(),
      weight: z.number().int().min(0).max(100),
    }),
  ),
});

export function snapshotOf(config: PlatformConfig): MigrationMap {
  return {
    defaultWeight: config.defaultWeight,
    // Typed as WeightedRoute so that a config route that stops being one fails to compile here.
    routes: config.routes.map(({ path, methods, weight }: WeightedRoute) =>
      methods ? { path, methods, weight } : { path, weight },
    ),
  };
}

/** Returns undefined for a stack that has never been deployed (or exported something unrecognisable). */
export function parseSnapshot(exported: unknown): MigrationMap | undefined {
  const parsed = migrationMapSchema.safeParse(exported);
  return parsed.success ? parsed.data : undefined;
}

/** Human-readable list of what still reaches Flask, e.g. `/api/orders (all methods): 100%`. Empty when nothing does. */
export function flaskTrafficOf(map: MigrationMap): string[] {
  const routes = map.routes
    .filter((route) => route.weight < 100)
    .map((route) => `${describeMatcher(route)}: ${100 - route.weight}%`);
  return map.defaultWeight < 100
    ? [...routes, `every other path (defaultWeight): ${100 - map.defaultWeight}%`]
    : routes;
}
