import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
  LOG_STORE_DATA_DIRECTORY,
  LOG_STORE_HTTP_PORT,
  LOG_STORE_OTLP_PATH,
  LOG_STORE_UI_PATH,
  logStoreFlags,
  type LogStoreSettings,
} from "../../infra/monitoring/logStoreFlags";
import { supportingServiceHealthcheck } from "./supportingServiceHealthcheck";

const LOG_STORE_HOST = "victorialogs";

export interface LogStoreArgs extends LogStoreSettings {
  /** An image whose entrypoint is VictoriaLogs, with wget on PATH (the health check). */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** Host port (bound to 127.0.0.1) for VictoriaLogs' web UI and query API. */
  readonly hostPort: number;
}

/**
 * VictoriaLogs, one process with its data on a volume, configured by flags only: a change of retention or disk cap
 * replaces the container, and the volume, with the logs in it, stays.
 */
export class LogStore extends pulumi.ComponentResource {
  /** The query API from the host, e.g. `/select/logsql/query`. */
  readonly url: pulumi.Output<string>;
  /** The web UI from the host. */
  readonly uiUrl: pulumi.Output<string>;
  /** The API from the platform network (Grafana's data source). */
  readonly networkUrl: pulumi.Output<string>;
  /** Where the collector sends, over OTLP/HTTP (the exporter appends `/v1/logs`). */
  readonly otlpEndpoint: pulumi.Output<string>;

  constructor(name: string, args: LogStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:LogStore", name, {}, opts);
    const data = new docker.Volume(`${name}-data`, {}, { parent: this });
    const container = new docker.Container(
      name,
      {
        image: args.image,
        command: logStoreFlags(args),
        volumes: [{ volumeName: data.name, containerPath: LOG_STORE_DATA_DIRECTORY }],
        networksAdvanced: [{ name: args.networkName, aliases: [LOG_STORE_HOST] }],
        ports: [{ internal: LOG_STORE_HTTP_PORT, external: args.hostPort, ip: "127.0.0.1" }],
        // /health answers once the storage is open and ingestion and queries are served.
        healthcheck: supportingServiceHealthcheck([
          "CMD",
          "wget",
          "-q",
          "-O",
          "/dev/null",
          `http://127.0.0.1:${LOG_STORE_HTTP_PORT}/health`,
        ]),
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
      },
      // A host port can be bound by one container at a time, so a replacement must remove the old one first.
      { parent: this, deleteBeforeReplace: true },
    );
    this.url = container.name.apply(() => `http://127.0.0.1:${args.hostPort}`);
    this.uiUrl = this.url.apply((url) => `${url}${LOG_STORE_UI_PATH}`);
    // Known at preview time, so replacing the store never rewrites the collector's or Grafana's configuration.
    this.networkUrl = pulumi.output(`http://${LOG_STORE_HOST}:${LOG_STORE_HTTP_PORT}`);
    this.otlpEndpoint = this.networkUrl.apply((url) => `${url}${LOG_STORE_OTLP_PATH}`);
    this.registerOutputs({
      url: this.url,
      uiUrl: this.uiUrl,
      networkUrl: this.networkUrl,
      otlpEndpoint: this.otlpEndpoint,
    });
  }
}
