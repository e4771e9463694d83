import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { LogStorePlan } from "../../infra/plan/platformPlan";
import { dockerHealthcheck } from "./dockerHealthcheck";

export interface LogStoreArgs {
  /** VictoriaLogs as planned; its image has wget on PATH (the health check). */
  readonly plan: LogStorePlan;
  readonly networkName: pulumi.Input<string>;
}

/**
 * VictoriaLogs, one process with its data on a volume, configured by flags only: a change of retention or disk cap
 * replaces the container, and the volume, with the logs in it, stays.
 */
export class LogStore extends pulumi.ComponentResource {
  /** The web UI from the host. */
  readonly uiUrl: pulumi.Output<string>;

  constructor(name: string, args: LogStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:LogStore", name, {}, opts);
    const { plan } = args;
    const data = new docker.Volume(`${name}-data`, {}, { parent: this });
    const container = new docker.Container(
      name,
      {
        image: plan.image,
        command: [...plan.args],
        volumes: [{ volumeName: data.name, containerPath: plan.dataPath }],
        networksAdvanced: [{ name: args.networkName, aliases: [plan.host] }],
        ports: [{ internal: plan.port, external: plan.hostPort, ip: "127.0.0.1" }],
        healthcheck: plan.health && dockerHealthcheck(plan.health),
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      // A host port can be bound by one container at a time, so a replacement must remove the old one first.
      { parent: this, deleteBeforeReplace: true },
    );
    this.uiUrl = container.name.apply(() => `http://127.0.0.1:${plan.hostPort}${plan.uiPath}`);
    this.registerOutputs({ uiUrl: this.uiUrl });
  }
}
