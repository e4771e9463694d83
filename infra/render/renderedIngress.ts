/** A file placed inside a container. */
export interface ContainerFile {
  readonly path: string;
  readonly content: string;
}

/**
 * What one ingress flavour needs at run time, split by how it may change: `staticFiles` are baked into the ingress
 * container (changing them replaces it), while `routing` is published into a volume the ingress watches, so a weight
 * change never restarts the ingress or drops a connection.
 */
export interface RenderedIngress {
  readonly staticFiles: readonly ContainerFile[];
  readonly command: readonly string[];
  /** Container directory the routing volume is mounted at. */
  readonly routingDirectory: string;
  readonly routingFileName: string;
  readonly routingContent: string;
  readonly httpPort: number;
  /** Port serving Prometheus metrics and the health endpoint. */
  readonly metricsPort: number;
  readonly metricsPath: string;
  readonly healthcheck: readonly string[];
}
