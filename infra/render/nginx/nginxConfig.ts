import { LATENCY_BUCKETS_SECONDS } from "../../monitoring/latencyBuckets";
import { serializeNginx, type NginxDirective } from "./directives";

/** Where nginx finds its parts; the container layout in production, temp dirs in tests. */
export interface NginxLayout {
  readonly modulesDirectory: string;
  readonly luaDirectory: string;
  readonly routingFile: string;
  readonly pidFile: string;
  readonly httpPort: number;
  readonly metricsPort: number;
  /** DNS server for backend host names (Docker's embedded DNS); omit when backends are IP addresses. */
  readonly resolver?: string;
  /** Seconds between polls of the routing file. */
  readonly routingPollSeconds: number;
}

const lua = (call: string) => `require("migration_router").${call}`;
/** The router's latency histogram uses the bounds every other latency histogram here uses, as a Lua table. */
const LATENCY_BOUNDS_LUA = `{ ${LATENCY_BUCKETS_SECONDS.join(", ")} }`;

function proxyLocation(): NginxDirective {
  return {
    name: "location",
    args: ["/"],
    children: [
      { name: "set", args: ["$migration_route", ""] },
      { name: "set", args: ["$migration_backend", ""] },
      { name: "set", args: ["$migration_upstream", ""] },
      { name: "access_by_lua_block", lua: lua("route()") },
      { name: "proxy_pass", args: ["http://$migration_upstream"] },
      { name: "proxy_http_version", args: ["1.1"] },
      { name: "proxy_set_header", args: ["Host", "$host"] },
      { name: "proxy_set_header", args: ["Connection", ""] },
      { name: "proxy_set_header", args: ["X-Forwarded-For", "$proxy_add_x_forwarded_for"] },
      { name: "proxy_set_header", args: ["X-Forwarded-Proto", "$scheme"] },
      { name: "header_filter_by_lua_block", lua: lua("decorate_response()") },
      { name: "log_by_lua_block", lua: lua("count()") },
    ],
  };
}

function metricsServer(port: number): NginxDirective {
  return {
    name: "server",
    children: [
      { name: "listen", args: [port] },
      { name: "location", args: ["=", "/healthz"], children: [{ name: "return", args: [200, "ok\n"] }] },
      {
        name: "location",
        args: ["=", "/metrics"],
        children: [{ name: "content_by_lua_block", lua: lua("metrics()") }],
      },
    ],
  };
}

/**
 * nginx.conf for the migration ingress. It holds no weights and no backends (those are in the routing file the Lua
 * router polls), so it only changes when the ingress itself is reconfigured.
 */
export function renderNginxConfig(layout: NginxLayout): string {
  const directives: NginxDirective[] = [
    { name: "load_module", args: [`${layout.modulesDirectory}/ndk_http_module.so`] },
    { name: "load_module", args: [`${layout.modulesDirectory}/ngx_http_lua_module.so`] },
    { name: "worker_processes", args: ["auto"] },
    { name: "pid", args: [layout.pidFile] },
    { name: "error_log", args: ["stderr", "notice"] },
    { name: "events", children: [{ name: "worker_connections", args: [4096] }] },
    {
      name: "http",
      children: [
        { name: "access_log", args: ["off"] },
        { name: "server_tokens", args: ["off"] },
        { name: "keepalive_requests", args: [100000] },
        { name: "lua_package_path", args: [`${layout.luaDirectory}/?.lua;;`] },
        { name: "lua_shared_dict", args: ["migration_metrics", "4m"] },
        ...(layout.resolver ? [{ name: "resolver", args: [layout.resolver, "valid=10s", "ipv6=off"] }] : []),
        {
          name: "init_worker_by_lua_block",
          lua: lua(`start(${JSON.stringify(layout.routingFile)}, ${layout.routingPollSeconds}, ${LATENCY_BOUNDS_LUA})`),
        },
        { name: "server", children: [{ name: "listen", args: [layout.httpPort] }, proxyLocation()] },
        metricsServer(layout.metricsPort),
      ],
    },
  ];
  return `${serializeNginx(directives)}\n`;
}
