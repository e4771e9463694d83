import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CONTAINER_INDEX_DIRECTORY } from "./logCollectorConfig";
import { LOG_COLLECTOR_CHECKPOINT_DIRECTORY, LOG_COLLECTOR_HEALTH } from "../logCollectorPipeline";
import { supportingServiceCheck } from "../../infra/plan/healthChecks";
import { dockerHealthcheck } from "./dockerHealthcheck";

const CONFIG_PATH = "/etc/otelcol/config.yaml";
const DOCKER_SOCKET = "/var/run/docker.sock";
/** The engine keeps each container's json-file log under `<data root>/containers/<id>/`. */
const containersDirectory = (dataRoot: string) => `${dataRoot.replace(/\/+$/, "")}/containers`;

export interface LogCollectorArgs {
  /** migration/log-collector: the collector as entrypoint, `index-containers` and curl on PATH. */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** Rendered collector config (renderLogCollectorConfig). */
  readonly config: pulumi.Input<string>;
  /** The engine's data root on its host (`docker info` → Docker Root Dir), where its json-file logs are. */
  readonly dockerDataRoot: string;
}

/**
 * The log collector on the Docker target: the container index, which links each running container of the platform
 * network's log file under the container's name, and the OpenTelemetry Collector, which follows those files from its
 * checkpoints and sends their lines over OTLP. The apps are untouched: their lines are read from the files the engine
 * already writes, so turning logs on or off replaces no app container. Only the index holds the engine's socket (which
 * gives full control of the engine); the collector, which talks to the network, reads files only.
 */
export class LogCollector extends pulumi.ComponentResource {
  constructor(name: string, args: LogCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:LogCollector", name, {}, opts);
    const index = new docker.Volume(`${name}-index`, {}, { parent: this });
    const checkpoints = new docker.Volume(`${name}-checkpoints`, {}, { parent: this });
    // Mounted at the same path as on the host, so the index's links resolve the same way in both containers.
    const engineLogs = containersDirectory(args.dockerDataRoot);
    const engineLogsMount = { hostPath: engineLogs, containerPath: engineLogs, readOnly: true };

    const indexer = new docker.Container(
      `${name}-index`,
      {
        image: args.image,
        entrypoints: ["/usr/local/bin/index-containers"],
        envs: [pulumi.interpolate`NETWORK=${args.networkName}`, `INDEX_DIRECTORY=${CONTAINER_INDEX_DIRECTORY}`],
        volumes: [
          // A bind mount is resolved on the engine's host, which is where the socket is, even with a remote DOCKER_HOST.
          { hostPath: DOCKER_SOCKET, containerPath: DOCKER_SOCKET, readOnly: true },
          engineLogsMount,
          { volumeName: index.name, containerPath: CONTAINER_INDEX_DIRECTORY },
        ],
        networksAdvanced: [{ name: args.networkName }],
        // Healthy while its loop runs: it touches the heartbeat after every pass (every 2 s).
        healthcheck: dockerHealthcheck(
          supportingServiceCheck(["sh", "-c", "test -n \"$(find /tmp/index-heartbeat -newermt '-30 seconds')\""]),
        ),
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      { parent: this },
    );
    new docker.Container(
      name,
      {
        image: args.image,
        command: [`--config=${CONFIG_PATH}`],
        uploads: [{ file: CONFIG_PATH, content: args.config }],
        volumes: [
          engineLogsMount,
          { volumeName: index.name, containerPath: CONTAINER_INDEX_DIRECTORY, readOnly: true },
          { volumeName: checkpoints.name, containerPath: LOG_COLLECTOR_CHECKPOINT_DIRECTORY },
        ],
        networksAdvanced: [{ name: args.networkName }],
        healthcheck: dockerHealthcheck(LOG_COLLECTOR_HEALTH),
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      // One collector at a time: a replacement resumes from the checkpoints the old one saved on stopping, where two
      // running side by side would both ship the lines of those seconds.
      { parent: this, deleteBeforeReplace: true, dependsOn: [indexer] },
    );
    this.registerOutputs({});
  }
}
