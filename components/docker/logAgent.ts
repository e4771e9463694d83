import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
  DOCKER_SOCKET,
  LOG_AGENT_HTTP_PORT,
  LOG_AGENT_POSITIONS_DIRECTORY,
} from "../../infra/monitoring/logAgentConfig";

const CONFIG_PATH = "/etc/promtail/promtail.yml";

export interface LogAgentArgs {
  /** An image whose entrypoint is Promtail, with wget on PATH (the health check). */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** Rendered promtail.yml (renderLogAgentConfig): Docker discovery through DOCKER_SOCKET, positions in their volume. */
  readonly config: pulumi.Input<string>;
}

/**
 * The log agent: Promtail, reading every container of the platform network through the engine's API and pushing
 * their lines to Loki. It needs the engine's socket, which gives full control of the engine (read-only only stops
 * the socket file being replaced): that is the price of discovering containers instead of listing them.
 */
export class LogAgent extends pulumi.ComponentResource {
  constructor(name: string, args: LogAgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:LogAgent", name, {}, opts);
    const positions = new docker.Volume(`${name}-positions`, {}, { parent: this });
    new docker.Container(
      name,
      {
        image: args.image,
        command: [`-config.file=${CONFIG_PATH}`],
        uploads: [{ file: CONFIG_PATH, content: args.config }],
        volumes: [
          // A bind mount is resolved on the engine's host, which is where the socket is, even with a remote DOCKER_HOST.
          { hostPath: DOCKER_SOCKET, containerPath: DOCKER_SOCKET, readOnly: true },
          { volumeName: positions.name, containerPath: LOG_AGENT_POSITIONS_DIRECTORY },
        ],
        networksAdvanced: [{ name: args.networkName }],
        // /ready answers 200 once the agent follows at least one container.
        healthcheck: {
          tests: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${LOG_AGENT_HTTP_PORT}/ready`],
          interval: "5s",
          timeout: "3s",
          retries: 5,
          startPeriod: "10s",
        },
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      // One agent at a time: a replacement resumes from the positions the old one saved on stopping, where two running
      // side by side would both ship the lines of those seconds.
      { parent: this, deleteBeforeReplace: true },
    );
    this.registerOutputs({});
  }
}
