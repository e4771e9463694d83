import autocannon from "autocannon";
import type { IncomingHttpHeaders } from "node:http";
import { SERVED_BY_HEADER } from "../../infra/routing/plan";
import type { HttpMethod } from "../../infra/config/schema";
import { servedBy } from "./servedBy";

export interface SampledRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly headers?: Record<string, string>;
}

export interface SplitCount {
  readonly requests: number;
  readonly fastapi: number;
  readonly flask: number;
  /** Responses without the served-by header, and requests without a response. */
  readonly unattributed: number;
}

/** Sends `requests` copies of one request through the ingress as fast as `connections` allow, counting who served them. */
export async function sampleSplit(
  baseUrl: string,
  request: SampledRequest,
  requests: number,
  connections = 16,
): Promise<SplitCount> {
  const counts = { fastapi: 0, flask: 0, unattributed: 0 };
  const count = (_status: number, _body: string, _context: object, headers: IncomingHttpHeaders | undefined) => {
    const backend = servedBy(headers);
    if (backend === "fastapi" || backend === "flask") counts[backend]++;
    else counts.unattributed++;
  };
  await new Promise((resolve, reject) => {
    const options = {
      url: baseUrl,
      connections,
      amount: requests,
      timeout: 10,
      requests: [{ ...request, onResponse: count }],
    };
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on("reqError", () => counts.unattributed++);
  });
  return { requests: counts.fastapi + counts.flask + counts.unattributed, ...counts };
}

/**
 * Sticky sessions as a browser sees them: each client keeps the cookies it is given and sends them back. Returns, per
 * client, the set of backends that served it (one each when stickiness holds).
 */
export async function stickyClients(
  baseUrl: string,
  path: string,
  clients: number,
  requestsPerClient: number,
): Promise<string[][]> {
  const servedSets: string[][] = [];
  for (let client = 0; client < clients; client++) {
    const cookies = new Map<string, string>();
    const served = new Set<string>();
    for (let request = 0; request < requestsPerClient; request++) {
      const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
      const response = await fetch(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {} });
      await response.arrayBuffer();
      for (const setCookie of response.headers.getSetCookie()) {
        const [pair] = setCookie.split(";");
        const separator = pair.indexOf("=");
        cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
      }
      served.add(response.headers.get(SERVED_BY_HEADER) ?? "unattributed");
    }
    servedSets.push([...served]);
  }
  return servedSets;
}
