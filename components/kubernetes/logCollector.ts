import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  LOG_COLLECTOR_CHECKPOINT_DIRECTORY,
  LOG_COLLECTOR_HEALTH,
  LOG_COLLECTOR_HEALTH_PORT,
} from "../logCollectorPipeline";
import { workloadLabels } from "./labels";
import { NO_PRIVILEGE_CONTAINER } from "./podSecurity";
import { livenessProbe, readinessProbe } from "./probes";
import { POD_LOGS_MOUNT } from "./logCollectorConfig";
import { staticFileVolumes } from "./staticFileVolumes";

const CONFIG_PATH = "/etc/otelcol/config.yaml";
/** Where each node keeps a stack's checkpoints: a restarted or replaced collector resumes from them. */
const CHECKPOINTS_ON_NODE = "/var/lib/migration-log-checkpoints";

export interface LogCollectorArgs {
  /** migration/log-collector: the collector as its entrypoint. */
  readonly image: string;
  readonly namespace: string;
  /** Rendered collector config (renderKubernetesLogCollectorConfig). */
  readonly config: string;
  /** The kubelet's pod log directory on the nodes (its `podLogsDir`). */
  readonly podLogsDirectory: string;
  readonly imagePullSecrets?: pulumi.Input<{ name: pulumi.Input<string> }[]>;
}

/**
 * The log collector on the Kubernetes target: a DaemonSet, one collector per node, reading the log files the kubelet
 * already writes for the stack's pods (so no app pod changes to turn logs on or off), from checkpoints kept on the
 * node. It runs as root, the owner of those files, with every capability dropped and its file system read-only but
 * for the checkpoints: it reads files and sends lines, nothing more.
 */
export class LogCollector extends pulumi.ComponentResource {
  constructor(name: string, args: LogCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:kubernetes:LogCollector", name, {}, opts);
    const { namespace } = args;
    const labels = workloadLabels(name);
    const files = staticFileVolumes(name, [{ path: CONFIG_PATH, content: args.config }], namespace, { parent: this });
    new k8s.apps.v1.DaemonSet(
      name,
      {
        metadata: { namespace, name },
        spec: {
          selector: { matchLabels: labels },
          // One collector per node at a time: a replacement resumes from the checkpoints the old one saved on stopping,
          // where two side by side would both ship the lines of those seconds.
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
          template: {
            metadata: { labels },
            spec: {
              imagePullSecrets: args.imagePullSecrets,
              securityContext: { runAsUser: 0, runAsGroup: 0, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "log-collector",
                  image: args.image,
                  args: [`--config=${CONFIG_PATH}`],
                  readinessProbe: readinessProbe(LOG_COLLECTOR_HEALTH),
                  livenessProbe: livenessProbe(LOG_COLLECTOR_HEALTH_PORT),
                  securityContext: { ...NO_PRIVILEGE_CONTAINER, readOnlyRootFilesystem: true },
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                  volumeMounts: [
                    ...files.volumeMounts,
                    { name: "pod-logs", mountPath: POD_LOGS_MOUNT, readOnly: true },
                    { name: "checkpoints", mountPath: LOG_COLLECTOR_CHECKPOINT_DIRECTORY },
                  ],
                },
              ],
              volumes: [
                ...files.volumes,
                { name: "pod-logs", hostPath: { path: args.podLogsDirectory, type: "Directory" } },
                {
                  name: "checkpoints",
                  hostPath: { path: `${CHECKPOINTS_ON_NODE}/${namespace}`, type: "DirectoryOrCreate" },
                },
              ],
            },
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
