import { describe, expect, it } from "vitest";
import { serializeNginx } from "../../infra/render/nginx/directives";
import { FAILOVER_BUDGET } from "../../infra/render/failoverBudget";
import { renderNginxConfig } from "../../infra/render/nginx/nginxConfig";
import { CONTAINER_LAYOUT, renderNginxIngress } from "../../infra/render/nginx/nginxIngress";
import { headerVariable, renderNginxRouting } from "../../infra/render/nginx/routingDocument";
import { backendServers, dockerTargetFacts } from "../../components/docker/addressing";
import { buildRoutingPlan } from "../../infra/routing/plan";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "../support/configs";

describe("nginx directive serialisation", () => {
  it("quotes arguments with spaces, quotes or semicolons and nests blocks", () => {
    const text = serializeNginx([
      {
        name: "http",
        children: [
          { name: "add_header", args: ["X-Note", 'say "hi"; bye'] },
          { name: "set", args: ["$empty", ""] },
        ],
      },
      { name: "init_by_lua_block", lua: 'require("x")' },
    ]);
    expect(text).toBe(
      'http {\n    add_header X-Note "say \\"hi\\"; bye";\n    set $empty "";\n}\ninit_by_lua_block {\n    require("x")\n}',
    );
  });
});

describe("nginx routing document", () => {
  const config = devPlatformConfig();
  const plan = buildRoutingPlan(snapshotOf(config), config, backendServers(config));
  const routing = JSON.parse(renderNginxRouting(plan));

  it("carries the ordered routes with their weights, methods, sticky cookies and whether the other backend backs them", () => {
    expect(routing.routes).toEqual([
      {
        id: "api-users-get-head",
        pathPrefix: "/api/users",
        methods: ["GET", "HEAD"],
        fastapiWeight: 10,
        stickyCookie: "migration_api_users_get_head_w10",
        otherBackendFallback: true,
      },
      {
        id: "api-orders-post-put-patch-delete",
        pathPrefix: "/api/orders",
        methods: ["POST", "PUT", "PATCH", "DELETE"],
        fastapiWeight: 0,
        otherBackendFallback: false,
      },
      {
        id: "default",
        pathPrefix: "/",
        fastapiWeight: 10,
        stickyCookie: "migration_default_w10",
        otherBackendFallback: true,
      },
    ]);
  });

  it("carries the backends' replicas and the header names", () => {
    expect(routing.backends).toEqual({ fastapi: ["fastapi-0:8000", "fastapi-1:8000"], flask: ["flask-0:5000"] });
    expect(routing.overrideHeaderVariable).toBe("http_x_backend");
    expect(routing.servedByHeader).toBe("X-App-Backend");
  });

  it("carries failover, the methods it retries and the retry budget when the plan has it on", () => {
    expect(plan.failover).toBe(true);
    expect(routing.failover).toEqual({
      methods: ["GET", "HEAD", "OPTIONS"],
      budget: { floorPerSecond: 10, share: 0.5 },
    });
  });

  it("carries the budget it is given, so that a test can publish a tiny one", () => {
    const tiny = { floorPerSecond: 1, share: 0 };
    expect(JSON.parse(renderNginxRouting(plan, tiny)).failover.budget).toEqual(tiny);
    expect(JSON.parse(renderNginxRouting(plan, FAILOVER_BUDGET))).toEqual(routing);
  });

  it("leaves failover out when the plan has it off", () => {
    const off = buildRoutingPlan(snapshotOf(config), { ...config, failover: false }, backendServers(config));
    expect(JSON.parse(renderNginxRouting(off))).not.toHaveProperty("failover");
  });

  it("is versioned by its content", () => {
    const again = JSON.parse(renderNginxRouting(plan));
    expect(again.version).toBe(routing.version);
    const moved = devPlatformConfig({ defaultWeight: 50 });
    expect(
      JSON.parse(renderNginxRouting(buildRoutingPlan(snapshotOf(moved), moved, backendServers(moved)))).version,
    ).not.toBe(routing.version);
  });

  it("maps header names to nginx variables", () => {
    expect(headerVariable("X-Canary-Backend")).toBe("http_x_canary_backend");
  });
});

describe("nginx configuration", () => {
  it("holds neither weights nor backends, so advancing never touches it", () => {
    const low = devPlatformConfig({ defaultWeight: 10 });
    const high = devPlatformConfig({ defaultWeight: 50, routes: [] });
    const [lowIngress, highIngress] = [low, high].map((config) =>
      renderNginxIngress(buildRoutingPlan(snapshotOf(config), config, backendServers(config)), {}),
    );
    expect(highIngress.staticFiles).toEqual(lowIngress.staticFiles);
    expect(highIngress.routing.content).not.toEqual(lowIngress.routing.content);
  });

  it("loads the Lua modules itself and, on Docker, has the router resolve replica names through the engine's DNS", () => {
    const config = devPlatformConfig();
    const facts = dockerTargetFacts(config);
    const nginxConf = renderNginxIngress(buildRoutingPlan(snapshotOf(config), config, facts.servers), facts)
      .staticFiles[0];
    expect(nginxConf.path).toBe("/etc/nginx/migration/nginx.conf");
    const text = nginxConf.content;
    expect(text).toContain("load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;");
    expect(text).toContain(
      'require("migration_router").start("/etc/nginx/migration/routing/routing.json", 1, { 0.0025, 0.005,',
    );
    expect(text).toMatch(/require\("migration_router"\)\.start\(.*, 1, "127\.0\.0\.11"\)$/m);
    // The router resolves names itself: nginx's resolver would serve only proxy_pass to a name, which opens a new
    // connection per request.
    expect(text).not.toContain("resolver ");
  });

  it("proxies through one upstream whose peer the router picks, keeping idle connections below the apps' timeouts", () => {
    const text = renderNginxConfig(CONTAINER_LAYOUT);
    const upstream = text.slice(
      text.indexOf("upstream migration_replicas {"),
      text.indexOf("\n    }", text.indexOf("upstream ")),
    );
    expect(upstream).toContain('require("migration_router").balance()');
    expect(upstream).toContain("keepalive 64;");
    expect(upstream).toContain("keepalive_timeout 1s;");
    for (const location of Object.values(proxyLocations(text)))
      expect(location).toContain("proxy_pass http://migration_replicas;");
  });

  it("ships the Lua router and its resolver beside nginx.conf", () => {
    const config = devPlatformConfig();
    const facts = dockerTargetFacts(config);
    const files = renderNginxIngress(buildRoutingPlan(snapshotOf(config), config, facts.servers), facts).staticFiles;
    expect(files.map((file) => file.path)).toEqual([
      "/etc/nginx/migration/nginx.conf",
      "/etc/nginx/migration/migration_router.lua",
      "/etc/nginx/migration/migration_resolver.lua",
    ]);
  });

  /** The text of the proxy location and of the failover location, each from its opening line to its closing brace. */
  function proxyLocations(text: string): { main: string; failover: string } {
    const location = (args: string) => {
      const start = text.indexOf(`location ${args} {`);
      return text.slice(start, text.indexOf("\n        }", start));
    };
    return { main: location("/"), failover: location("@failover") };
  }

  it("sends only the 502 and 504 nginx produces itself to the failover location, where the router decides", () => {
    const text = renderNginxConfig(CONTAINER_LAYOUT);
    const { main, failover } = proxyLocations(text);
    expect(main).toContain("error_page 502 504 = @failover;");
    expect(failover).toContain('require("migration_router").fail_over()');
    expect(failover).not.toContain("error_page");
    // With it, error_page would also catch an app's own 502 or 503, which is the app's answer and final.
    expect(text).not.toContain("proxy_intercept_errors");
  });

  it("proxies, names the backend and counts the same way from both locations", () => {
    const { main, failover } = proxyLocations(renderNginxConfig(CONTAINER_LAYOUT));
    const proxying = (location: string) => location.slice(location.indexOf("proxy_pass"));
    expect(proxying(failover)).toBe(proxying(main));
    expect(proxying(main)).toContain("log_by_lua_block");
  });

  it("bounds every proxied request by the shared upstream timeouts, and gives the router the connect timeout", () => {
    const text = renderNginxConfig(CONTAINER_LAYOUT);
    for (const location of Object.values(proxyLocations(text))) {
      expect(location).toContain("proxy_connect_timeout 1s;");
      expect(location).toContain("proxy_send_timeout 30s;");
      expect(location).toContain("proxy_read_timeout 30s;");
    }
    expect(text).toMatch(/require\("migration_router"\)\.start\(.*, 1, nil\)$/m);
  });
});
