/** A file that changes on a weight step (the ingress's routing, Prometheus's weight rules): published, never baked in. */
export interface HotFile {
  /** Where the reader finds it: `<directory>/<fileName>` inside the reader's file system. */
  readonly directory: string;
  readonly fileName: string;
  readonly content: string;
}

/**
 * The port through which a routing change reaches a running reader without redeploying it: the platform program
 * publishes every weight step through it, and the cutover command's fast rollback publishes ahead of the update that
 * records the rollback. Each target implements it its own way (on Docker: an atomic write into a volume the reader
 * mounts, see components/docker/volumePublisher.ts).
 */
export interface RoutingPublisher {
  /** Resolves once the reader can see the new file; rejects, naming what failed, when it cannot. */
  publish(file: HotFile): Promise<void>;
}
