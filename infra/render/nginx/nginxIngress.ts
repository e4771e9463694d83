import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RoutingPlan } from "../../routing/plan";
import type { IngressEnvironment, RenderedIngress } from "../renderedIngress";
import { UPSTREAM_TIMEOUTS } from "../upstreamTimeouts";
import { renderNginxConfig, type NginxLayout } from "./nginxConfig";
import { renderNginxRouting } from "./routingDocument";

/** The Lua router and the module it resolves replica names with, side by side in nginx's lua_package_path. */
export const LUA_FILES = ["migration_router.lua", "migration_resolver.lua"] as const;

export function readLuaFile(file: (typeof LUA_FILES)[number]): string {
  return readFileSync(join(__dirname, file), "utf8");
}

const CONFIG_DIRECTORY = "/etc/nginx/migration";
const ROUTING_DIRECTORY = `${CONFIG_DIRECTORY}/routing`;
const ROUTING_FILE_NAME = "routing.json";

/** The layout inside the migration nginx image (Debian paths); the target says which DNS server resolves backends. */
export const CONTAINER_LAYOUT: NginxLayout = {
  modulesDirectory: "/usr/lib/nginx/modules",
  luaDirectory: CONFIG_DIRECTORY,
  routingFile: `${ROUTING_DIRECTORY}/${ROUTING_FILE_NAME}`,
  pidFile: "/run/nginx-migration.pid",
  httpPort: 80,
  metricsPort: 9113,
  routingPollSeconds: 1,
  upstreamTimeouts: UPSTREAM_TIMEOUTS,
};

export function renderNginxIngress(plan: RoutingPlan, environment: IngressEnvironment): RenderedIngress {
  const configPath = `${CONFIG_DIRECTORY}/nginx.conf`;
  const layout: NginxLayout = { ...CONTAINER_LAYOUT, resolver: environment.dnsResolver };
  return {
    staticFiles: [
      { path: configPath, content: renderNginxConfig(layout) },
      ...LUA_FILES.map((file) => ({ path: `${CONFIG_DIRECTORY}/${file}`, content: readLuaFile(file) })),
    ],
    command: ["nginx", "-c", configPath, "-g", "daemon off;"],
    routing: { directory: ROUTING_DIRECTORY, fileName: ROUTING_FILE_NAME, content: renderNginxRouting(plan) },
    httpPort: CONTAINER_LAYOUT.httpPort,
    metricsPort: CONTAINER_LAYOUT.metricsPort,
    metricsPath: "/metrics",
    health: {
      command: ["curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${CONTAINER_LAYOUT.metricsPort}/healthz`],
      http: { port: CONTAINER_LAYOUT.metricsPort, path: "/healthz" },
    },
  };
}
