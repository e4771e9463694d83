import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { RenderedIngress } from "../../infra/render/renderedIngress";
import { OneShotContainer } from "./oneShotContainer";

const INGRESS_HOST = "ingress";
const STAGING_DIRECTORY = "/staging";

export interface IngressArgs {
  /** Image of the chosen flavour (Traefik or nginx with Lua); it must provide `sh`, `cp` and `mv`. */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** The flavour's files, command and ports, rendered from the routing plan. */
  readonly rendered: RenderedIngress;
  /** Host port that serves the migrated service. */
  readonly hostPort: number;
}

/**
 * The weighted ingress. Routing lives on a volume that a one-shot publisher rewrites atomically; the ingress watches
 * it, so a weight change replaces only the publisher while the ingress keeps running and keeps its connections.
 */
export class Ingress extends pulumi.ComponentResource {
  /** `host:port` of the metrics endpoint on the platform network (Prometheus scrapes it there). */
  readonly metricsAddress: pulumi.Output<string>;
  /** True once the current routing has been published. */
  readonly routingPublished: pulumi.Output<boolean>;

  constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:Ingress", name, {}, opts);
    const { rendered } = args;

    const routingVolume = new docker.Volume(`${name}-routing`, {}, { parent: this });
    const stagedFile = `${STAGING_DIRECTORY}/${rendered.routingFileName}`;
    const publisher = new OneShotContainer(
      `${name}-publish-routing`,
      {
        image: args.image,
        // Copy then rename inside the watched directory, so the ingress never reads a half-written file. The temp
        // name has no .yml/.json suffix, which Traefik's file provider would otherwise try to load.
        command: ["sh", "-c", 'set -eu; cp "$1" "$2/.routing.tmp"; mv -f "$2/.routing.tmp" "$2/$3"', "publish", stagedFile, rendered.routingDirectory, rendered.routingFileName],
        uploads: [{ file: stagedFile, content: rendered.routingContent }],
        volumes: [{ volumeName: routingVolume.name, containerPath: rendered.routingDirectory }],
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
      { parent: this, dependsOn: [publisher], deleteBeforeReplace: true },
    );

    // Known at preview time (not derived from the container), so replacing the ingress never shows its scraper as changed.
    this.metricsAddress = pulumi.output(`${INGRESS_HOST}:${rendered.metricsPort}`);
    this.routingPublished = publisher.succeeded;
    this.registerOutputs({ metricsAddress: this.metricsAddress, routingPublished: this.routingPublished });
  }
}
