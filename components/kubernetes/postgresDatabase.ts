import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DatabasePlan } from "../../infra/plan/platformPlan";
import { databaseUrls } from "../databaseUrls";
import { dataClaim } from "./dataClaim";
import { workloadLabels } from "./labels";
import { livenessProbe, readinessProbe } from "./probes";

export interface PostgresDatabaseArgs {
  /** The database as planned; its image initialises itself from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB. */
  readonly plan: DatabasePlan;
  readonly namespace: pulumi.Input<string>;
  /** The claim's storage class; the cluster's default when absent. */
  readonly storageClass?: string;
  /** The claim's size, e.g. "10Gi". */
  readonly storage: string;
  readonly imagePullSecrets?: pulumi.Input<{ name: pulumi.Input<string> }[]>;
}

/**
 * The one PostgreSQL database both apps share: a one-replica StatefulSet on a claim of its own, reached through a
 * Service under the plan's host name, its password generated and kept in a Secret.
 *
 * The claim is a resource of the stack, not of the StatefulSet's claim template, so that `retainOnDestroy` can keep it:
 * a destroy then leaves it (and the namespace it lives in, see stackNamespace) and the next `up` finds it again.
 */
export class PostgresDatabase extends pulumi.ComponentResource {
  /** Secret, as they hold the password (see databaseUrls). */
  readonly syncUrl: pulumi.Output<string>;
  readonly asyncUrl: pulumi.Output<string>;
  readonly claimName: pulumi.Output<string>;

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:kubernetes:PostgresDatabase", name, {}, opts);
    const { plan, namespace } = args;
    const labels = workloadLabels(plan.host);

    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    const secret = new k8s.core.v1.Secret(
      `${name}-credentials`,
      // Named by Pulumi, as the apps' (see envSecret).
      { metadata: { namespace }, stringData: { POSTGRES_PASSWORD: password.result } },
      { parent: this },
    );
    const claim = dataClaim(
      `${name}-data`,
      plan.host,
      namespace,
      { storage: args.storage, storageClass: args.storageClass },
      { parent: this, retainOnDelete: plan.retainOnDestroy },
    );
    const service = new k8s.core.v1.Service(
      name,
      {
        metadata: { namespace, name: plan.host },
        spec: { selector: labels, ports: [{ name: "postgres", port: plan.port, targetPort: plan.port }] },
      },
      { parent: this },
    );
    const statefulSet = new k8s.apps.v1.StatefulSet(
      name,
      {
        metadata: { namespace, name: plan.host },
        spec: {
          serviceName: service.metadata.name,
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              imagePullSecrets: args.imagePullSecrets,
              terminationGracePeriodSeconds: 60,
              containers: [
                {
                  name: "postgres",
                  // No securityContext: the image's entrypoint drops to the postgres user itself, after taking
                  // ownership of the data.
                  image: plan.image,
                  env: [
                    { name: "POSTGRES_USER", value: plan.user },
                    { name: "POSTGRES_DB", value: plan.databaseName },
                    {
                      name: "POSTGRES_PASSWORD",
                      valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "POSTGRES_PASSWORD" } },
                    },
                  ],
                  ports: [{ name: "postgres", containerPort: plan.port }],
                  readinessProbe: plan.health && readinessProbe(plan.health),
                  livenessProbe: livenessProbe(plan.port),
                  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
                  volumeMounts: [{ name: "data", mountPath: plan.dataPath }],
                },
              ],
              volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim.metadata.name } }],
            },
          },
        },
      },
      { parent: this },
    );

    // Derived from the StatefulSet, which the provider waits on until its pod is ready.
    const urls = databaseUrls(
      plan,
      password.result,
      statefulSet.metadata.name.apply(() => plan.host),
    );
    this.syncUrl = urls.sync;
    this.asyncUrl = urls.async;
    this.claimName = claim.metadata.name;
    this.registerOutputs({
      syncUrl: this.syncUrl,
      asyncUrl: this.asyncUrl,
      claimName: this.claimName,
    });
  }
}
