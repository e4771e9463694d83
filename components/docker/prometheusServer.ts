import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { PrometheusPlan } from "../../infra/plan/platformPlan";
import { dockerHealthcheck } from "./dockerHealthcheck";
import { VolumeFile } from "./volumeFile";

export interface PrometheusServerArgs {
  /** Prometheus as planned; its image has promtool on PATH and `sh`, `cat` and `mv`. */
  readonly plan: PrometheusPlan;
  readonly networkName: pulumi.Input<string>;
  /**
   * What the Prometheus container waits for on its first start (what it scrapes and alerts to). Only the container: the
   * weight rules must not wait for them, so that a weight change is published as early as the update can.
   */
  readonly startAfter?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Prometheus with its data on a volume, reachable from the host on loopback only. The weight rules live on a volume of
 * their own and are rewritten in place, followed by a SIGHUP that reloads every rule file: a weight change neither
 * replaces nor restarts Prometheus, and it keeps its data and its scrapes.
 */
export class PrometheusServer extends pulumi.ComponentResource {
  /** The UI and API from the host. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: PrometheusServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:PrometheusServer", name, {}, opts);
    const { plan } = args;
    const published = plan.weightRules;
    if (!published)
      throw new Error("prometheus: the Docker target publishes the weights as a rule file, none is planned");
    const data = new docker.Volume(`${name}-data`, {}, { parent: this });
    const weightsVolume = new docker.Volume(`${name}-weights`, {}, { parent: this });
    // Written before Prometheus first starts (it reads the file then), and at every weight change while it runs, each
    // write followed by a HUP to the Prometheus that mounts the volume.
    const weightRules = new VolumeFile(
      `${name}-weights-file`,
      {
        volumeName: weightsVolume.name,
        directory: published.directory,
        fileName: published.fileName,
        content: published.content,
        image: plan.image,
        reload: { signal: "HUP" },
      },
      { parent: this },
    );
    const container = new docker.Container(
      name,
      {
        image: plan.image,
        command: [...plan.args],
        uploads: plan.files.map((file) => ({ file: file.path, content: file.content })),
        volumes: [
          { volumeName: data.name, containerPath: plan.dataPath },
          // Writable, as the ingress's routing is: the weight rules are written from inside Prometheus.
          { volumeName: weightsVolume.name, containerPath: published.directory },
        ],
        networksAdvanced: [{ name: args.networkName, aliases: [plan.host] }],
        ports: [{ internal: plan.port, external: plan.hostPort, ip: "127.0.0.1" }],
        healthcheck: plan.health && dockerHealthcheck(plan.health),
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      // A host port can be bound by one container at a time, so a replacement must remove the old one first.
      { parent: this, dependsOn: [weightRules, ...(args.startAfter ?? [])], deleteBeforeReplace: true },
    );
    this.url = container.name.apply(() => `http://127.0.0.1:${plan.hostPort}`);
    this.registerOutputs({ url: this.url });
  }
}
