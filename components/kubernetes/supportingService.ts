import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Env, StaticFile, Workload } from "../../infra/plan/platformPlan";
import type { DatabaseUrls } from "../databaseUrls";
import { dataClaim, type ClaimStorage } from "./dataClaim";
import { workloadLabels } from "./labels";
import { envSecret } from "./podEnv";
import { monitoringPodSecurity, NO_PRIVILEGE_CONTAINER, type ImageUser } from "./podSecurity";
import { livenessProbe, readinessProbe } from "./probes";
import { staticFileVolumes } from "./staticFileVolumes";

/** What the monitoring plans (Prometheus, Alertmanager, the PostgreSQL exporter) have in common. */
export interface SupportingPlan extends Workload {
  /** Arguments to the image's entrypoint. */
  readonly args: readonly string[];
  readonly files?: readonly StaticFile[];
  readonly env?: Env;
  /** Where it keeps data worth a restart (samples, silences): on a claim. */
  readonly dataPath?: string;
}

export interface SupportingServiceArgs {
  readonly plan: SupportingPlan;
  readonly namespace: string;
  /** The user its image runs as. */
  readonly runAs: ImageUser;
  /** The claim of the plan's `dataPath`. */
  readonly data?: ClaimStorage;
  /** The database URLs its environment names, if any. */
  readonly databaseUrls?: DatabaseUrls;
  readonly imagePullSecrets?: pulumi.Input<{ name: pulumi.Input<string> }[]>;
}

/**
 * One pod of a monitoring image, its files from ConfigMaps (Secrets for the secret ones), its data on a claim, reached
 * through a Service under the plan's host name. One replica, replaced rather than rolled (`Recreate`): it owns its
 * data directory alone (Prometheus locks its storage), and the claim mounts on one node.
 */
export class SupportingService extends pulumi.ComponentResource {
  /** Its Service's address, `http://<cluster IP>:<port>`: reachable where the cluster's service range is routed. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: SupportingServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:kubernetes:SupportingService", name, {}, opts);
    const { plan, namespace } = args;
    const labels = workloadLabels(plan.host);
    const child = { parent: this };
    const files = staticFileVolumes(plan.host, plan.files ?? [], namespace, child);
    const env = plan.env
      ? envSecret(`${name}-env`, plan.env, args.databaseUrls ?? {}, namespace, child).env
      : undefined;
    const { dataPath } = plan;
    if (args.data && !dataPath) throw new Error(`${plan.name}: a claim is given, but the plan keeps no data`);
    const data =
      args.data && dataPath
        ? { claim: dataClaim(`${name}-data`, plan.host, namespace, args.data, child), path: dataPath }
        : undefined;

    const deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { namespace, name: plan.host },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          strategy: { type: "Recreate" },
          template: {
            metadata: { labels },
            spec: {
              imagePullSecrets: args.imagePullSecrets,
              securityContext: monitoringPodSecurity(args.runAs),
              containers: [
                {
                  name: plan.host,
                  image: plan.image,
                  args: [...plan.args],
                  env,
                  ports: [{ name: "http", containerPort: plan.port }],
                  readinessProbe: plan.health && readinessProbe(plan.health),
                  livenessProbe: livenessProbe(plan.port, plan.health),
                  securityContext: NO_PRIVILEGE_CONTAINER,
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "1Gi" } },
                  volumeMounts: [...files.volumeMounts, ...(data ? [{ name: "data", mountPath: data.path }] : [])],
                },
              ],
              volumes: [
                ...files.volumes,
                ...(data ? [{ name: "data", persistentVolumeClaim: { claimName: data.claim.metadata.name } }] : []),
              ],
            },
          },
        },
      },
      child,
    );
    const service = new k8s.core.v1.Service(
      name,
      {
        metadata: { namespace, name: plan.host },
        spec: { selector: labels, ports: [{ name: "http", port: plan.port, targetPort: plan.port }] },
      },
      { parent: this, dependsOn: [deployment] },
    );
    this.url = pulumi.interpolate`http://${service.spec.clusterIP}:${plan.port}`;
    this.registerOutputs({ url: this.url });
  }
}
