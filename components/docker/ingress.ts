import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { IngressPlan } from "../../infra/plan/platformPlan";
import { dockerHealthcheck } from "./dockerHealthcheck";
import { VolumeFile } from "./volumeFile";

export interface IngressArgs {
  /** The ingress as planned: the flavour's image (it must provide `sh`, `cat` and `mv`), files, command and ports. */
  readonly plan: IngressPlan;
  readonly networkName: pulumi.Input<string>;
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
  /** The routing document as published (resolves once it is in place). */
  readonly publishedRouting: pulumi.Output<string>;

  constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:Ingress", name, {}, opts);
    const { plan } = args;

    const routingVolume = new docker.Volume(`${name}-routing`, { name: args.routingVolumeName }, { parent: this });
    const routing = new VolumeFile(
      `${name}-routing-file`,
      {
        // The plain name, not the volume's output: `docker run -v` creates the volume if the write comes first.
        volumeName: args.routingVolumeName,
        directory: plan.routing.directory,
        fileName: plan.routing.fileName,
        content: plan.routing.content,
        image: plan.image,
      },
      { parent: this },
    );

    new docker.Container(
      name,
      {
        image: plan.image,
        entrypoints: [...plan.command],
        uploads: plan.files.map((file) => ({ file: file.path, content: file.content })),
        // Writable: each publish writes the routing from inside the running ingress (publishIntoVolume), in a third of
        // the time a throwaway container takes; a read-only mount sent every weight step down that slower path.
        volumes: [{ volumeName: routingVolume.name, containerPath: plan.routing.directory }],
        networksAdvanced: [{ name: args.networkName, aliases: [plan.host] }],
        ports: [{ internal: plan.port, external: plan.hostPort }],
        healthcheck: plan.health && dockerHealthcheck(plan.health),
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      // The first start must find routing in place; later publishes happen while the ingress runs. A host port can be
      // bound by one container at a time, so replacing the ingress itself (a static-config change, never a weight
      // change) removes the old container first: that is a short outage, which is why weights live elsewhere.
      { parent: this, dependsOn: [routingVolume, routing, ...(args.startAfter ?? [])], deleteBeforeReplace: true },
    );

    this.publishedRouting = routing.content;
    this.registerOutputs({ publishedRouting: this.publishedRouting });
  }
}
