import { dump } from "js-yaml";
import { CONTAINER_NAME_PATTERN } from "../contract/dockerNames";

/** Where the agent reads the engine's API (bind-mounted from the engine's host). */
export const DOCKER_SOCKET = "/var/run/docker.sock";
/** The agent's own HTTP server (readiness, metrics), on the platform network only. */
export const LOG_AGENT_HTTP_PORT = 9080;
/** The agent's positions (how far each container's log was shipped); a volume, so a restart resends nothing. */
export const LOG_AGENT_POSITIONS_DIRECTORY = "/promtail";

/** The labels every shipped line carries, so that `{service="flask"}` selects Flask's lines, whichever stack runs it. */
export const LOG_LABELS = {
  /** The resource name without replica index and random suffix: fastapi, flask, ingress, database, prometheus, ... */
  service: "service",
  /** The replica index of an app container (fastapi and flask only). */
  replica: "replica",
  /** The full container name, e.g. `fastapi-1-3fa9c01`. */
  container: "container",
  /** `stdout` or `stderr`. */
  stream: "stream",
} as const;

export interface LogAgentSettings {
  /** Loki's push endpoint as the agent reaches it, e.g. `http://loki:3100/loki/api/v1/push`. */
  readonly pushUrl: string;
  /**
   * The platform network: every container on it is collected, those of the legacy Flask stack included (it joins the
   * same network), and nothing of any other stack on the same engine.
   */
  readonly networkName: string;
}

/**
 * Promtail's configuration: find the containers through the Docker API (no fixed list: a new replica, or Flask's
 * stack deployed later, is picked up within seconds), read their logs through the same API (whatever the log driver
 * keeps them in), and label each line with the service derived from the container's name.
 */
export function renderLogAgentConfig({ pushUrl, networkName }: LogAgentSettings): string {
  const containerName = ["__meta_docker_container_name"];
  return dump(
    {
      server: { http_listen_port: LOG_AGENT_HTTP_PORT, grpc_listen_port: 0, log_level: "warn" },
      positions: { filename: `${LOG_AGENT_POSITIONS_DIRECTORY}/positions.yaml` },
      clients: [{ url: pushUrl }],
      scrape_configs: [
        {
          job_name: "platform-containers",
          docker_sd_configs: [
            {
              host: `unix://${DOCKER_SOCKET}`,
              refresh_interval: "5s",
              filters: [{ name: "network", values: [networkName] }],
            },
          ],
          relabel_configs: [
            // Docker names start with "/". A container the platform did not name (one attached to the network by hand)
            // keeps its whole name as its service; the platform's own get the pattern's service and replica.
            { source_labels: containerName, regex: "/(.*)", target_label: LOG_LABELS.container },
            { source_labels: containerName, regex: "/(.*)", target_label: LOG_LABELS.service },
            {
              source_labels: containerName,
              regex: `/${CONTAINER_NAME_PATTERN.service}`,
              target_label: LOG_LABELS.service,
            },
            {
              source_labels: containerName,
              regex: `/${CONTAINER_NAME_PATTERN.replica}`,
              target_label: LOG_LABELS.replica,
            },
            { source_labels: ["__meta_docker_container_log_stream"], target_label: LOG_LABELS.stream },
          ],
        },
      ],
    },
    { lineWidth: -1, noRefs: true },
  );
}
