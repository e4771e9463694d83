import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppPlan } from "../../infra/plan/platformPlan";
import { resolvedAfter } from "../startAfter";
import type { DatabaseUrls } from "../databaseUrls";
import { workloadLabels } from "./labels";
import { envSecret } from "./podEnv";
import { RESTRICTED_CONTAINER } from "./podSecurity";
import { DRAIN_LIFECYCLE, livenessProbe, readinessProbe } from "./probes";

export interface AppDeploymentArgs {
  /** The app as planned: image, replicas, port, environment and health check. */
  readonly plan: AppPlan;
  readonly namespace: pulumi.Input<string>;
  readonly databaseUrls: DatabaseUrls;
  /** When set, the Deployment is created only after it resolves (the schema migration's success). */
  readonly startAfter?: pulumi.Input<unknown>;
  readonly imagePullSecrets?: pulumi.Input<{ name: pulumi.Input<string> }[]>;
}

/**
 * An HTTP app as a Deployment: ready when it serves, restarted only when its process stops listening, rolled one new
 * pod at a time with none taken away first (`maxUnavailable: 0`), drained gracefully, and guarded by a disruption
 * budget against evictions. Its pods' secret environment lives in a Secret (see envSecret).
 */
export class AppDeployment extends pulumi.ComponentResource {
  readonly deploymentName: pulumi.Output<string>;

  constructor(name: string, args: AppDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:kubernetes:AppDeployment", name, {}, opts);
    const { plan, namespace } = args;
    const labels = workloadLabels(plan.host);
    const secret = envSecret(`${name}-env`, plan.env, args.databaseUrls, namespace, { parent: this });
    const image = resolvedAfter(plan.image, args.startAfter);

    const deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { namespace, name: plan.host },
        spec: {
          replicas: plan.replicas,
          selector: { matchLabels: labels },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: { labels },
            spec: {
              imagePullSecrets: args.imagePullSecrets,
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: plan.host,
                  image,
                  env: secret.env,
                  ports: [{ name: "http", containerPort: plan.port }],
                  readinessProbe: plan.health && readinessProbe(plan.health),
                  livenessProbe: plan.health && livenessProbe(plan.port, plan.health),
                  lifecycle: DRAIN_LIFECYCLE,
                  securityContext: RESTRICTED_CONTAINER,
                  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                },
              ],
            },
          },
        },
      },
      { parent: this },
    );
    new k8s.policy.v1.PodDisruptionBudget(
      name,
      { metadata: { namespace, name: plan.host }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
      { parent: this },
    );
    this.deploymentName = deployment.metadata.name;
    this.registerOutputs({ deploymentName: this.deploymentName });
  }
}
