import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { AppPlan } from "../../infra/plan/platformPlan";
import { resolvedAfter } from "../startAfter";
import { replicaHostname } from "./addressing";
import type { DatabaseUrls } from "../databaseUrls";
import { containerEnvs } from "./containerEnv";
import { dockerHealthcheck } from "./dockerHealthcheck";

export interface AppServiceArgs {
  /** The app as planned: image, replicas, port, environment and health check. */
  readonly plan: AppPlan;
  readonly networkName: pulumi.Input<string>;
  /** The database's secret URLs this deployment has; the plan's environment names the one the app takes. */
  readonly databaseUrls: DatabaseUrls;
  /** When set, the containers are created only after it resolves (e.g. a schema migration that must succeed first). */
  readonly startAfter?: pulumi.Input<unknown>;
}

/**
 * An HTTP app run as N replica containers on the platform network, health-checked and restarted when they die. Replica
 * i answers as `<name>-<i>` (the ingress's addresses) and every replica as `<name>`.
 */
export class AppService extends pulumi.ComponentResource {
  /** Docker container names, one per replica. */
  readonly containerNames: pulumi.Output<string[]>;

  constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:AppService", name, {}, opts);
    const { plan } = args;
    const envs = containerEnvs(plan.env, args.databaseUrls);
    const image = resolvedAfter(plan.image, args.startAfter);
    const containers = Array.from({ length: plan.replicas }, (_, index) => {
      return new docker.Container(
        `${name}-${index}`,
        {
          image,
          envs,
          networksAdvanced: [{ name: args.networkName, aliases: [replicaHostname(plan.host, index), plan.host] }],
          healthcheck: plan.health && dockerHealthcheck(plan.health),
          restart: "unless-stopped",
          wait: true,
          waitTimeout: 180,
        },
        { parent: this },
      );
    });
    this.containerNames = pulumi.all(containers.map((container) => container.name));
    this.registerOutputs({ containerNames: this.containerNames });
  }
}
