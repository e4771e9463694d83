import { z } from "zod";

/**
 * What the legacy Flask stack reads from the platform stack. Both sides use these names and this schema, so a change
 * to the contract fails loudly in one place instead of silently in the other project.
 */
export const PLATFORM_OUTPUTS = {
  networkName: "networkName",
  databaseUrl: "databaseUrl",
  flask: "flask",
  flaskTraffic: "flaskTraffic",
  migrationMap: "migrationMap",
} as const;

export const flaskDeploymentSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("managed"), image: z.string(), port: z.number().int(), replicas: z.number().int().min(1) }),
  z.object({ mode: z.literal("external"), url: z.string() }),
]);

export type FlaskDeployment = z.infer<typeof flaskDeploymentSchema>;
