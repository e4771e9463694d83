import { LATENCY_BUCKETS_SECONDS } from "../../monitoring/latencyBuckets";
import type { UpstreamTimeouts } from "../upstreamTimeouts";
import { serializeNginx, type NginxDirective } from "./directives";

/** Where nginx finds its parts and how long it waits on backends; the container layout in production, temp dirs in tests. */
export interface NginxLayout {
  readonly modulesDirectory: string;
  readonly luaDirectory: string;
  readonly routingFile: string;
  readonly pidFile: string;
  readonly httpPort: number;
  readonly metricsPort: number;
  /** DNS server for backend host names (Docker's embedded DNS), "address[:port]"; omit when backends are IP addresses. */
  readonly resolver?: string;
  /** Seconds between polls of the routing file, which is also how often each worker adds its counts to /metrics. */
  readonly routingPollSeconds: number;
  /** How long nginx waits on a backend before it answers for it: 502 when it cannot connect, 504 when none comes. */
  readonly upstreamTimeouts: UpstreamTimeouts;
}

/**
 * The statuses nginx produces itself when it gets no answer from the replica it proxied to: 502 (refused, reset, name
 * not resolved, a broken answer) and 504 (a timeout). Only these send a request to the failover location: without
 * proxy_intercept_errors, error_page never sees an app's own 502 or 503, which is the app's answer and final.
 */
const FAILOVER_STATUSES = [502, 504];
const FAILOVER_LOCATION = "@failover";

const lua = (call: string) => `require("migration_router").${call}`;
/** The router's latency histogram uses the bounds every other latency histogram here uses, as a Lua table. */
const LATENCY_BOUNDS_LUA = `{ ${LATENCY_BUCKETS_SECONDS.join(", ")} }`;

/**
 * The variables the router hands from phase to phase. They are nginx variables, not ngx.ctx, because the internal
 * redirect to the failover location empties ngx.ctx and keeps them.
 */
const ROUTER_VARIABLES = [
  "$migration_route",
  "$migration_backend",
  "$migration_upstream",
  "$migration_peer",
  "$migration_sticky_cookie",
  "$migration_timings_before_failover",
  "$migration_failed_over_from",
];

/**
 * The upstream every request is proxied through. Its one peer is whichever replica the router chose (the balancer
 * reads it from $migration_peer, an IP address the router resolved); being an upstream block is what lets nginx keep
 * connections to the replicas alive. proxy_pass to a variable opens a new connection per request: at a thousand
 * requests a second that cost nginx more CPU than the app's whole request, growing run after run (the ingress bench
 * measured 0.5 to 4.1 ms per request, against 0.19 ms with this upstream), and cost the app more too.
 */
const REPLICAS_UPSTREAM = "migration_replicas";

function replicasUpstream(timeouts: UpstreamTimeouts): NginxDirective {
  return {
    name: "upstream",
    args: [REPLICAS_UPSTREAM],
    children: [
      // Never used: nginx wants one server in an upstream block, and the balancer overrides it for every request.
      { name: "server", args: ["0.0.0.1:1"] },
      { name: "balancer_by_lua_block", lua: lua("balance()") },
      // Idle connections kept per worker, across all replicas.
      { name: "keepalive", args: [64] },
      { name: "keepalive_timeout", args: [`${timeouts.idleSeconds}s`] },
    ],
  };
}

/** Proxies to the replica the router chose, then names the backend on the answer and counts it. */
function proxyToChosenReplica(timeouts: UpstreamTimeouts): NginxDirective[] {
  return [
    { name: "proxy_pass", args: [`http://${REPLICAS_UPSTREAM}`] },
    { name: "proxy_http_version", args: ["1.1"] },
    { name: "proxy_connect_timeout", args: [`${timeouts.connectSeconds}s`] },
    { name: "proxy_send_timeout", args: [`${timeouts.responseSeconds}s`] },
    { name: "proxy_read_timeout", args: [`${timeouts.responseSeconds}s`] },
    { name: "proxy_set_header", args: ["Host", "$host"] },
    { name: "proxy_set_header", args: ["Connection", ""] },
    { name: "proxy_set_header", args: ["X-Forwarded-For", "$proxy_add_x_forwarded_for"] },
    { name: "proxy_set_header", args: ["X-Forwarded-Proto", "$scheme"] },
    { name: "header_filter_by_lua_block", lua: lua("decorate_response()") },
    { name: "log_by_lua_block", lua: lua("count()") },
  ];
}

function proxyLocation(timeouts: UpstreamTimeouts): NginxDirective {
  return {
    name: "location",
    args: ["/"],
    children: [
      ...ROUTER_VARIABLES.map((variable): NginxDirective => ({ name: "set", args: [variable, ""] })),
      { name: "access_by_lua_block", lua: lua("route()") },
      { name: "error_page", args: [...FAILOVER_STATUSES, "=", FAILOVER_LOCATION] },
      ...proxyToChosenReplica(timeouts),
    ],
  };
}

/**
 * Where a request goes when nginx got no answer for it, with its method. The router retries it once elsewhere or answers
 * with the failed attempt's status; nginx follows error_page only once per request, so a failed retry is final.
 */
function failoverLocation(timeouts: UpstreamTimeouts): NginxDirective {
  return {
    name: "location",
    args: [FAILOVER_LOCATION],
    children: [{ name: "access_by_lua_block", lua: lua("fail_over()") }, ...proxyToChosenReplica(timeouts)],
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
  const timeouts = layout.upstreamTimeouts;
  const resolver = layout.resolver ? JSON.stringify(layout.resolver) : "nil";
  const start = `start(${JSON.stringify(layout.routingFile)}, ${layout.routingPollSeconds}, ${LATENCY_BOUNDS_LUA}, ${timeouts.connectSeconds}, ${resolver})`;
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
        // A few counters per second, each living two seconds: the retry budget's, apart so metrics never evict them.
        { name: "lua_shared_dict", args: ["migration_failover_budget", "1m"] },
        { name: "init_worker_by_lua_block", lua: lua(start) },
        replicasUpstream(timeouts),
        {
          name: "server",
          children: [{ name: "listen", args: [layout.httpPort] }, proxyLocation(timeouts), failoverLocation(timeouts)],
        },
        metricsServer(layout.metricsPort),
      ],
    },
  ];
  return `${serializeNginx(directives)}\n`;
}
