import { execFileSync, spawnSync } from "node:child_process";
import { dump } from "js-yaml";
import { serializeNginx } from "../../infra/render/nginx/directives";
import { CONTAINER_LAYOUT } from "../../infra/render/nginx/nginxIngress";
import { TRAEFIK_HTTP_PORT } from "../../infra/render/traefik/ports";
import { E2E_INGRESS_PORT, INGRESS_IMAGES, type IngressFlavour } from "../e2e/e2eStacks";
import { waitFor } from "../support/processes";

/** Beside the stack's ingress port, published the same way, so both are reached through the same host path. */
const BARE_INGRESS_PORT = E2E_INGRESS_PORT + 1;
/**
 * Where each flavour's bare configuration is written, not over the image's own (Traefik's file provider reads the
 * extension).
 */
const TRAEFIK_FILE = "/tmp/bare-ingress.yml";
const NGINX_FILE = "/tmp/bare-ingress.conf";
const READY_TIMEOUT_MS = 30_000;

export interface Replica {
  readonly address: string;
  readonly port: number;
}

interface BareConfig {
  readonly file: string;
  readonly content: string;
  readonly command: readonly string[];
  readonly port: number;
}

const BARE_CONFIGS: Record<IngressFlavour, (replica: Replica) => BareConfig> = {
  traefik: ({ address, port }) => ({
    file: TRAEFIK_FILE,
    content: dump({
      http: {
        routers: { bare: { rule: "PathPrefix(`/`)", entryPoints: ["web"], service: "bare" } },
        services: { bare: { loadBalancer: { servers: [{ url: `http://${address}:${port}` }] } } },
      },
    }),
    command: [
      "traefik",
      `--entryPoints.web.address=:${TRAEFIK_HTTP_PORT}`,
      `--providers.file.filename=${TRAEFIK_FILE}`,
      "--log.level=ERROR",
    ],
    port: TRAEFIK_HTTP_PORT,
  }),
  // As many workers as the product's nginx (`auto`), and its keep-alive to the replica.
  nginx: ({ address, port }) => ({
    file: NGINX_FILE,
    content: serializeNginx([
      { name: "worker_processes", args: ["auto"] },
      { name: "pid", args: ["/tmp/bare-ingress.pid"] },
      { name: "error_log", args: ["stderr", "error"] },
      { name: "events", children: [{ name: "worker_connections", args: [4096] }] },
      {
        name: "http",
        children: [
          { name: "access_log", args: ["off"] },
          { name: "keepalive_requests", args: [100000] },
          {
            name: "upstream",
            args: ["replica"],
            children: [
              { name: "server", args: [`${address}:${port}`] },
              { name: "keepalive", args: [64] },
            ],
          },
          {
            name: "server",
            children: [
              { name: "listen", args: [CONTAINER_LAYOUT.httpPort] },
              {
                name: "location",
                args: ["/"],
                children: [
                  { name: "proxy_pass", args: ["http://replica"] },
                  { name: "proxy_http_version", args: ["1.1"] },
                  { name: "proxy_set_header", args: ["Connection", ""] },
                ],
              },
            ],
          },
        ],
      },
    ]),
    command: ["nginx", "-c", NGINX_FILE, "-g", "daemon off;"],
    port: CONTAINER_LAYOUT.httpPort,
  }),
};

export interface BareIngress {
  /** The container, for its CPU clock. */
  readonly container: string;
  /** Its base URL on the host. */
  readonly baseUrl: string;
  readonly remove: () => void;
}

/**
 * The floor under an ingress flavour's CPU figure: the stack's own ingress image, started beside it on the same network
 * and cores, with the plainest configuration that proxies every path to the one replica over keep-alive connections
 * (no metrics, no middleware or Lua, no routing file, no access log). What it spends per request is what the binary
 * and the container's networking cost on this machine before the product's configuration adds anything, so the bench
 * can show how much of the ingress's figure the product could still remove.
 *
 * Starts the flavour's bare ingress on `network`, pinned to `cpus`, proxying to `replica`, and waits until `probePath`
 * answers 200 through it. A container left by an interrupted run is replaced.
 */
export async function startBareIngress(
  flavour: IngressFlavour,
  network: string,
  replica: Replica,
  cpus: string,
  probePath: string,
): Promise<BareIngress> {
  const container = `bench-bare-${flavour}`;
  const remove = () => execFileSync("docker", ["rm", "-f", container], { stdio: "ignore" });
  remove();
  const config = BARE_CONFIGS[flavour](replica);
  // The images start their binary through `sh`, which writes the configuration first (it travels in the environment).
  execFileSync(
    "docker",
    [
      ...["run", "-d", "--name", container, "--network", network, "--cpuset-cpus", cpus],
      ...["-p", `${BARE_INGRESS_PORT}:${config.port}`, "-e", `BARE_INGRESS_CONFIG=${config.content}`],
      ...["--entrypoint", "sh", INGRESS_IMAGES[flavour]],
      ...["-c", `printf '%s\\n' "$BARE_INGRESS_CONFIG" > ${config.file} && exec "$@"`, "sh", ...config.command],
    ],
    { stdio: "ignore" },
  );
  const baseUrl = `http://127.0.0.1:${BARE_INGRESS_PORT}`;
  const answers200 = async () => {
    const response = await fetch(`${baseUrl}${probePath}`);
    if (response.status !== 200) throw new Error(`it answered ${response.status}`);
    return true;
  };
  try {
    await waitFor(`the bare ${flavour} to answer ${probePath} with 200`, answers200, READY_TIMEOUT_MS, 250);
  } catch (error) {
    const logs = spawnSync("docker", ["logs", "--tail", "20", container], { encoding: "utf8" });
    remove();
    throw new Error(`${(error as Error).message}; its log:\n${logs.stdout}${logs.stderr}`);
  }
  return { container, baseUrl, remove };
}
