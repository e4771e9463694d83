import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { RenderedIngress } from "../../infra/render/renderedIngress";
import { VolumeFile } from "./volumeFile";

const INGRESS_HOST = "ingress";

export interface IngressArgs {
  /** Image of the chosen flavour (Traefik or nginx with Lua); it must provide `sh`, `cat` and `mv`. */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** The flavour's files, command and ports, rendered from the routing plan. */
  readonly rendered: RenderedIngress;
  /** Host port that serves the migrated service. */
  readonly hostPort: number;
  /**
   * Name of the volume the routing lives on, known before anything is deployed, so that writing the routing waits for
   * no other resource: in a rollback, every second before the write is a second of traffic still on FastAPI.
   */
  readonly routingVolumeName: string;
  /**
   * What the ingress container waits for on its first start (the backends). Only the container: the routing file must
   * not wait for the backends' resources, so that a weight change (above all a rollback) is written as early as the
   * update can, not after every backend has been diffed.
   */
  readonly startAfter?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The weighted ingress. Routing lives in a file on a volume, rewritten atomically in place; the ingress watches it, so a
 * weight change updates that one file while the ingress keeps running and keeps its connections.
 */
export class Ingress extends pulumi.ComponentResource {
  /** `host:port` of the metrics endpoint on the platform network (Prometheus scrapes it there). */
  readonly metricsAddress: pulumi.Output<string>;
  /** The routing document as published (resolves once it is in place). */
  readonly publishedRouting: pulumi.Output<string>;

  constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:Ingress", name, {}, opts);
    const { rendered } = args;

    const routingVolume = new docker.Volume(`${name}-routing`, { name: args.routingVolumeName }, { parent: this });
    const routing = new VolumeFile(
      `${name}-routing-file`,
      {
        // The plain name, not the volume's output: `docker run -v` creates the volume if the write comes first.
        volumeName: args.routingVolumeName,
        directory: rendered.routingDirectory,
        fileName: rendered.routingFileName,
        content: rendered.routingContent,
        image: args.image,
      },
      { parent: this },
    );

    new docker.Container(
      name,
      {
        image: args.image,
        entrypoints: [...rendered.command],
        uploads: rendered.staticFiles.map((file) => ({ file: file.path, content: file.content })),
        volumes: [{ volumeName: routingVolume.name, containerPath: rendered.routingDirectory, readOnly: true }],
        networksAdvanced: [{ name: args.networkName, aliases: [INGRESS_HOST] }],
        ports: [{ internal: rendered.httpPort, external: args.hostPort }],
        healthcheck: { tests: [...rendered.healthcheck], interval: "5s", timeout: "3s", retries: 3, startPeriod: "5s" },
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      // The first start must find routing in place; later publishes happen while the ingress runs. A host port can be
      // bound by one container at a time, so replacing the ingress itself (a static-config change, never a weight
      // change) removes the old container first: that is a short outage, which is why weights live elsewhere.
      { parent: this, dependsOn: [routingVolume, routing, ...(args.startAfter ?? [])], deleteBeforeReplace: true },
    );

    // Known at preview time (not derived from the container), so replacing the ingress never shows its scraper as changed.
    this.metricsAddress = pulumi.output(`${INGRESS_HOST}:${rendered.metricsPort}`);
    this.publishedRouting = routing.content;
    this.registerOutputs({ metricsAddress: this.metricsAddress, publishedRouting: this.publishedRouting });
  }
}
