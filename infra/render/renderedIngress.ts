import type { HealthCheck, StaticFile } from "../plan/platformPlan";
import type { HotFile } from "../plan/routingPublisher";

/**
 * What one ingress flavour needs at run time, split by how it may change: `staticFiles` are baked into the ingress
 * (changing them replaces it), while `routing` is published to the running ingress, which watches it, so a weight
 * change never restarts the ingress or drops a connection.
 */
export interface RenderedIngress {
  readonly staticFiles: readonly StaticFile[];
  readonly command: readonly string[];
  readonly routing: HotFile;
  readonly httpPort: number;
  /** Port serving Prometheus metrics and the health endpoint. */
  readonly metricsPort: number;
  readonly metricsPath: string;
  /** How to tell the ingress is healthy; the plan adds how often. */
  readonly health: Pick<HealthCheck, "command" | "http">;
}

/** What the target tells a renderer about where the ingress runs. */
export interface IngressEnvironment {
  /** The DNS server that resolves the backends' names, where the flavour needs one (nginx). */
  readonly dnsResolver?: string;
}
