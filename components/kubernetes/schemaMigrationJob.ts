import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { JobPlan } from "../../infra/plan/platformPlan";
import type { DatabaseUrls } from "../databaseUrls";
import { envSecret } from "./podEnv";
import { RESTRICTED_CONTAINER } from "./podSecurity";

export interface SchemaMigrationJobArgs {
  readonly plan: JobPlan;
  readonly namespace: pulumi.Input<string>;
  readonly databaseUrls: DatabaseUrls;
  readonly imagePullSecrets?: pulumi.Input<{ name: pulumi.Input<string> }[]>;
}

/**
 * The schema migration as a Job run to completion during `pulumi up`: Pulumi waits for it, and a failure fails the
 * update. One attempt only (a half-applied migration is not retried blindly), and its output stays in the pod's
 * termination message, which the failure carries.
 *
 * A Job's pod template cannot change, so a new image replaces the Job (its old pod goes with it). The new Job is created
 * before the old one is deleted (its name is generated): an app orders itself after the Job's success through its
 * image, and Pulumi replaces whatever depends on a resource deleted before its replacement, which would delete the
 * app's Deployment and take every replica down at once instead of rolling them.
 */
export class SchemaMigrationJob extends pulumi.ComponentResource {
  /** Resolves once the Job has succeeded. */
  readonly succeeded: pulumi.Output<boolean>;

  constructor(name: string, args: SchemaMigrationJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:kubernetes:SchemaMigrationJob", name, {}, opts);
    const { plan, namespace } = args;
    const secret = envSecret(`${name}-env`, plan.env, args.databaseUrls, namespace, { parent: this });
    const job = new k8s.batch.v1.Job(
      name,
      {
        // A Job that failed is replaced by the next update: otherwise, once its cause is fixed (the database, a
        // migration), the update would find the same failed Job and fail again without running it.
        metadata: { namespace, annotations: { "pulumi.com/replaceUnready": "true" } },
        spec: {
          backoffLimit: 0,
          // Kept a day for `kubectl logs`, then removed by the cluster; the next image replaces it anyway.
          ttlSecondsAfterFinished: 86_400,
          template: {
            spec: {
              restartPolicy: "Never",
              imagePullSecrets: args.imagePullSecrets,
              containers: [
                {
                  name: plan.name,
                  image: plan.image,
                  command: [...plan.command],
                  env: secret.env,
                  // The end of the output becomes the termination message when the job fails.
                  terminationMessagePolicy: "FallbackToLogsOnError",
                  securityContext: RESTRICTED_CONTAINER,
                  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                },
              ],
            },
          },
        },
      },
      { parent: this },
    );
    this.succeeded = job.status.apply(() => true);
    this.registerOutputs({});
  }
}
