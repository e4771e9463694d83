import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ClusterPlacement } from "./clusterPlacement";
import { loadKubeConfig } from "./kubeConfig";

/** A Service's HTTP API, reached through the cluster's API server. */
export interface ServiceProxy {
  /** The base URL of the Service's API on the API server. */
  readonly url: string;
  /** `fetch` for GETs under `url`, with the kubeconfig's credentials. */
  readonly fetch: typeof fetch;
}

/**
 * A Service of the stack's namespace (`service` is `<name>:<port>`), through the API server's service proxy: wherever
 * the kubeconfig reaches the cluster, whether or not the cluster's service addresses are routed there, with the same
 * credentials as every other call (which must be allowed `get` on `services/proxy` in the namespace).
 */
export async function serviceProxy(
  placement: Pick<ClusterPlacement, "namespace" | "kubeconfig" | "context">,
  service: string,
): Promise<ServiceProxy> {
  const config = await loadKubeConfig(placement);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error(`the kubeconfig names no cluster for context ${config.getCurrentContext()}`);
  const url = `${cluster.server.replace(/\/+$/, "")}/api/v1/namespaces/${placement.namespace}/services/http:${service}/proxy/`;
  const proxiedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const target = new URL(input instanceof Request ? input.url : input);
    const options: RequestOptions = { method: "GET", signal: init?.signal ?? undefined };
    await config.applyToHTTPSOptions(options);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const sent = send(target, options, (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () =>
          resolve(
            new Response(Buffer.concat(chunks), {
              status: answer.statusCode,
              headers: { "content-type": answer.headers["content-type"] ?? "application/octet-stream" },
            }),
          ),
        );
        answer.on("error", reject);
      });
      sent.on("error", reject);
      sent.end();
    });
  };
  return { url, fetch: proxiedFetch as typeof fetch };
}
