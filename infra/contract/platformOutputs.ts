import { z } from "zod";

/**
 * What other programs read from the platform stack: the legacy Flask stack, and the cutover command (`cli/`). Both
 * sides use these names and this schema, so a change to the contract fails loudly in one place instead of silently in
 * the other program. Each target adds outputs of its own (on Docker, the network the legacy stack joins).
 */
export const PLATFORM_OUTPUTS = {
  /** `docker` or `kubernetes`: where the legacy stack runs Flask too. */
  target: "target",
  /** Where inside the target the stack's resources live, where the config chooses it (a Kubernetes namespace). */
  placement: "placement",
  databaseUrl: "databaseUrl",
  flask: "flask",
  /**
   * What still reaches Flask, in words; empty once nothing does. Legacy stacks deployed before the backup window read
   * it in their guard's delete (serialised into their state), so it stays while such a stack may still exist.
   */
  flaskTraffic: "flaskTraffic",
  migrationMap: "migrationMap",
  /** Where clients reach the service through the ingress, e.g. `http://localhost:8080`. */
  ingressUrl: "ingressUrl",
  /** Prometheus's HTTP API; absent while monitoring is disabled. */
  prometheusUrl: "prometheusUrl",
  /** Secret (the DSN holds the project's key); absent while migration:errorTracking is not set. */
  errorTracking: "errorTracking",
} as const;

export const flaskDeploymentSchema = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("managed"),
    image: z.string(),
    port: z.number().int(),
    replicas: z.number().int().min(1),
  }),
  z.object({ mode: z.literal("external"), url: z.string() }),
]);

export type FlaskDeployment = z.infer<typeof flaskDeploymentSchema>;

/** Where both apps report their unhandled errors: one Sentry project, one environment. */
export const errorTrackingSchema = z.object({ sentryDsn: z.string().min(1), environment: z.string().min(1) });

export type ErrorTracking = z.infer<typeof errorTrackingSchema>;
