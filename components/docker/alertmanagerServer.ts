import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { AlertmanagerPlan } from "../../infra/plan/platformPlan";
import { dockerHealthcheck } from "./dockerHealthcheck";

export interface AlertmanagerServerArgs {
  /** Alertmanager as planned; its image has amtool on PATH. */
  readonly plan: AlertmanagerPlan;
  readonly networkName: pulumi.Input<string>;
}

/** Alertmanager for the migration's alerts, on the platform network only (Prometheus and Grafana show its alerts). */
export class AlertmanagerServer extends pulumi.ComponentResource {
  constructor(name: string, args: AlertmanagerServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:AlertmanagerServer", name, {}, opts);
    const { plan } = args;
    const data = new docker.Volume(`${name}-data`, {}, { parent: this });
    new docker.Container(
      name,
      {
        image: plan.image,
        command: [...plan.args],
        uploads: plan.files.map((file) => ({
          file: file.path,
          content: file.secret ? pulumi.secret(file.content) : file.content,
        })),
        volumes: [{ volumeName: data.name, containerPath: plan.dataPath }],
        networksAdvanced: [{ name: args.networkName, aliases: [plan.host] }],
        healthcheck: plan.health && dockerHealthcheck(plan.health),
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
