import { load } from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { renderTraefikRouting } from "../../infra/render/traefik/dynamicConfig";
import {
  kubernetesCrdMetricNames,
  renderTraefikKubernetesRouting,
  routeBackendServices,
} from "../../infra/render/traefik/kubernetesRouting";
import type { KubernetesObject } from "../../infra/render/kubernetesObject";
import { buildRoutingPlan, type RoutingSettings } from "../../infra/routing/plan";
import type { MigrationMap } from "../../infra/routing/route";
import { traefikCrdValidator, type CrdObjectValidator } from "../support/crdSchemas";

const NAMESPACE = "migration-dev";
const SERVICES = { fastapi: { name: "fastapi", port: 8000 }, flask: { name: "flask", port: 5000 } };
const LABELS = { "app.kubernetes.io/managed-by": "migration" };
const DEV_ROUTES: MigrationMap["routes"] = [
  { path: "/api/users", methods: ["GET", "HEAD"], weight: 10 },
  { path: "/api/orders", methods: ["POST", "PUT", "PATCH", "DELETE"], weight: 0 },
];

function planOf(map: MigrationMap, settings: Partial<RoutingSettings> = {}) {
  return buildRoutingPlan(
    map,
    { sticky: true, overrideHeader: "X-Backend", failover: true, ...settings },
    {
      fastapi: { servers: ["fastapi-0:8000", "fastapi-1:8000"], healthPath: "/healthz" },
      flask: { servers: ["flask-0:5000"], healthPath: "/healthz" },
    },
  );
}

function render(map: MigrationMap, settings: Partial<RoutingSettings> = {}): KubernetesObject[] {
  return renderTraefikKubernetesRouting(planOf(map, settings), SERVICES, NAMESPACE);
}

function named(objects: KubernetesObject[], kind: string, name: string): KubernetesObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

const metadata = (name: string) => ({ name, namespace: NAMESPACE, labels: LABELS });
const fastapiService = { kind: "Service", name: "fastapi", port: 8000 };
const flaskService = { kind: "Service", name: "flask", port: 5000 };
/** The Service through which a route reaches a backend's pods. */
const via = (routeId: string, backend: "fastapi" | "flask") => ({
  kind: "Service",
  name: `route-${routeId}-via-${backend}`,
  port: SERVICES[backend].port,
});
const publicRoutes = (objects: KubernetesObject[]) =>
  objects.filter((object) => object.kind === "IngressRoute" && (object.spec.entryPoints as string[])[0] === "web");
const retry = [{ name: "failover-retry" }];

describe("Traefik routing as Kubernetes CRD objects", () => {
  it("splits a route through a TraefikService over its own Service of each backend, with the route's sticky cookie", () => {
    const objects = render({ defaultWeight: 10, routes: DEV_ROUTES });
    expect(named(objects, "TraefikService", "split-api-users-get-head")).toEqual({
      apiVersion: "traefik.io/v1alpha1",
      kind: "TraefikService",
      metadata: metadata("split-api-users-get-head"),
      spec: {
        weighted: {
          services: [
            { ...via("api-users-get-head", "fastapi"), weight: 10 },
            { ...via("api-users-get-head", "flask"), weight: 90 },
          ],
          sticky: { cookie: { name: "migration_api_users_get_head_w10", httpOnly: true, sameSite: "lax" } },
        },
      },
    });
    // A route of safe methods only has just the retried rule, as on Docker.
    expect(named(objects, "IngressRoute", "route-api-users-get-head")).toEqual({
      apiVersion: "traefik.io/v1alpha1",
      kind: "IngressRoute",
      metadata: metadata("route-api-users-get-head"),
      spec: {
        entryPoints: ["web"],
        routes: [
          {
            kind: "Rule",
            match: "PathPrefix(`/api/users`) && (Method(`GET`) || Method(`HEAD`))",
            priority: 31,
            middlewares: retry,
            services: [{ kind: "TraefikService", name: "split-api-users-get-head" }],
          },
        ],
      },
    });
    const unsticky = render({ defaultWeight: 10, routes: DEV_ROUTES }, { sticky: false });
    expect(named(unsticky, "TraefikService", "split-api-users-get-head")!.spec.weighted).not.toHaveProperty("sticky");
  });

  it("sends a 0% route to its Flask Service alone and a 100% route to its FastAPI one, naming the other nowhere", () => {
    for (const failover of [true, false]) {
      const objects = render(
        {
          defaultWeight: 50,
          routes: [
            { path: "/api/orders", methods: ["POST", "PUT", "PATCH", "DELETE"], weight: 0 },
            { path: "/api/users", weight: 100 },
          ],
        },
        { failover },
      );
      const orders = "api-orders-post-put-patch-delete";
      expect(named(objects, "IngressRoute", `route-${orders}`)!.spec).toEqual({
        entryPoints: ["web"],
        routes: [
          {
            kind: "Rule",
            match:
              "PathPrefix(`/api/orders`) && (Method(`POST`) || Method(`PUT`) || Method(`PATCH`) || Method(`DELETE`))",
            priority: 30,
            services: [{ kind: "TraefikService", name: `split-${orders}` }],
          },
        ],
      });
      expect(named(objects, "TraefikService", `split-${orders}`)!.spec).toEqual({
        weighted: { services: [{ ...via(orders, "flask"), weight: 1 }] },
      });
      const users = [
        named(objects, "IngressRoute", "route-api-users")!,
        named(objects, "TraefikService", "split-api-users")!,
      ];
      expect(JSON.stringify(users)).not.toMatch(/flask/);
      expect(users[1].spec).toEqual({ weighted: { services: [{ ...via("api-users", "fastapi"), weight: 1 }] } });
    }
  });

  it("references Flask nowhere once every route is at 100%, with failover off", () => {
    const objects = render({ defaultWeight: 100, routes: [{ path: "/api/users", weight: 100 }] }, { failover: false });
    expect(JSON.stringify(objects)).not.toMatch(/flask/);
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      "TraefikService/split-api-users",
      "IngressRoute/route-api-users",
      "TraefikService/split-default",
      "IngressRoute/route-default",
      "IngressRoute/override-fastapi",
      "Middleware/published-weights",
      "IngressRoute/published-weights",
    ]);
  });

  it("retries a route's GET, HEAD and OPTIONS through the retry Middleware, on a rule a step above the route's", () => {
    const map: MigrationMap = {
      defaultWeight: 50,
      routes: [{ path: "/api/users", methods: ["GET", "POST"], weight: 50 }],
    };
    const objects = render(map);
    expect(named(objects, "IngressRoute", "route-api-users-get-post")!.spec.routes).toEqual([
      {
        kind: "Rule",
        match: "PathPrefix(`/api/users`) && (Method(`GET`) || Method(`POST`))",
        priority: 20,
        services: [{ kind: "TraefikService", name: "split-api-users-get-post" }],
      },
      {
        kind: "Rule",
        match: "PathPrefix(`/api/users`) && (Method(`GET`))",
        priority: 21,
        middlewares: retry,
        services: [{ kind: "TraefikService", name: "split-api-users-get-post" }],
      },
    ]);
    // The same plugin settings as the Docker flavour's middleware, which traefikRendering.test.ts spells out.
    const docker = load(renderTraefikRouting(planOf(map))) as { http: { middlewares: Record<string, object> } };
    expect(objects[0]).toEqual({
      apiVersion: "traefik.io/v1alpha1",
      kind: "Middleware",
      metadata: metadata("failover-retry"),
      spec: docker.http.middlewares["failover-retry"],
    });
  });

  it("renders no Middleware and no retried rule with failover off", () => {
    const objects = render({ defaultWeight: 10, routes: DEV_ROUTES }, { failover: false });
    expect(objects.filter((object) => object.kind === "Middleware").map((object) => object.metadata.name)).toEqual([
      "published-weights",
    ]);
    expect(JSON.stringify(publicRoutes(objects))).not.toMatch(/retry|middlewares/);
    expect(named(objects, "IngressRoute", "route-api-users-get-head")!.spec.routes).toEqual([
      {
        kind: "Rule",
        match: "PathPrefix(`/api/users`) && (Method(`GET`) || Method(`HEAD`))",
        priority: 30,
        services: [{ kind: "TraefikService", name: "split-api-users-get-head" }],
      },
    ]);
  });

  it("lets the override header win over every weight, with an IngressRoute per backend in the plan", () => {
    const objects = render({ defaultWeight: 10, routes: DEV_ROUTES });
    expect([
      named(objects, "IngressRoute", "override-fastapi"),
      named(objects, "IngressRoute", "override-flask"),
    ]).toEqual([
      {
        apiVersion: "traefik.io/v1alpha1",
        kind: "IngressRoute",
        metadata: metadata("override-fastapi"),
        spec: {
          entryPoints: ["web"],
          routes: [
            {
              kind: "Rule",
              match: "PathPrefix(`/`) && Header(`X-Backend`, `fastapi`)",
              priority: 1_000_000,
              services: [fastapiService],
            },
          ],
        },
      },
      {
        apiVersion: "traefik.io/v1alpha1",
        kind: "IngressRoute",
        metadata: metadata("override-flask"),
        spec: {
          entryPoints: ["web"],
          routes: [
            {
              kind: "Rule",
              match: "PathPrefix(`/`) && Header(`X-Backend`, `flask`)",
              priority: 1_000_000,
              services: [flaskService],
            },
          ],
        },
      },
    ]);
  });

  it("matches and prioritises exactly as the Docker flavour's routers, with the retry where they have it", () => {
    for (const failover of [true, false]) {
      const map: MigrationMap = { defaultWeight: 30, routes: [...DEV_ROUTES, { path: "/api", weight: 100 }] };
      const docker = load(renderTraefikRouting(planOf(map, { failover }))) as {
        http: { routers: Record<string, { rule: string; priority: number; middlewares?: string[] }> };
      };
      const dockerRules = Object.values(docker.http.routers).map(({ rule, priority, middlewares }) => ({
        rule,
        priority,
        retried: middlewares !== undefined,
      }));
      const kubernetesRules = publicRoutes(render(map, { failover }))
        .flatMap((object) => object.spec.routes as { match: string; priority: number; middlewares?: unknown }[])
        .map(({ match, priority, middlewares }) => ({ rule: match, priority, retried: middlewares !== undefined }));
      const byPriority = (a: { priority: number; rule: string }, b: { priority: number; rule: string }) =>
        a.priority - b.priority || a.rule.localeCompare(b.rule);
      expect(kubernetesRules.sort(byPriority)).toEqual(dockerRules.sort(byPriority));
    }
  });

  it("changes only the route's TraefikService and the published weights on any step, its IngressRoute never", () => {
    const at = (weight: number) =>
      render({ defaultWeight: 10, routes: [{ path: "/api/users", weight }] }).map((object) => JSON.stringify(object));
    const changed = (before: string[], after: string[]) => [
      ...new Set(
        [...before.filter((object) => !after.includes(object)), ...after.filter((object) => !before.includes(object))]
          .map((object) => `${JSON.parse(object).kind}/${JSON.parse(object).metadata.name}`)
          .sort(),
      ),
    ];
    for (const [from, to] of [
      [10, 50],
      [0, 10],
      [90, 100],
    ])
      expect(changed(at(from), at(to))).toEqual(["Middleware/published-weights", "TraefikService/split-api-users"]);
  });

  it("serves every route's weight in Prometheus's format on the metrics entry point, from Traefik itself", () => {
    const objects = render({ defaultWeight: 10, routes: DEV_ROUTES });
    expect(named(objects, "Middleware", "published-weights")!.spec).toEqual({
      plugin: {
        staticresponse: {
          contentType: "text/plain; version=0.0.4; charset=utf-8",
          body: [
            "# HELP migration_published_weight The FastAPI weight of the route, in percent, as last published to the ingress.",
            "# TYPE migration_published_weight gauge",
            'migration_published_weight{route="api-users-get-head"} 10',
            'migration_published_weight{route="api-orders-post-put-patch-delete"} 0',
            'migration_published_weight{route="default"} 10',
            "",
          ].join("\n"),
        },
      },
    });
    expect(named(objects, "IngressRoute", "published-weights")!.spec).toEqual({
      entryPoints: ["metrics"],
      routes: [
        {
          kind: "Rule",
          match: "Path(`/migration/weights`)",
          middlewares: [{ name: "published-weights" }],
          services: [{ kind: "TraefikService", name: "noop@internal" }],
        },
      ],
    });
  });

  it("has a Service per route and backend, whatever the weights, named as its metrics are read", () => {
    const services = (defaultWeight: number, weight: number) =>
      routeBackendServices(planOf({ defaultWeight, routes: [{ path: "/api/users", weight }] }), SERVICES);
    expect(services(10, 0)).toEqual([
      { name: "route-api-users-via-fastapi", port: 8000, backend: "fastapi" },
      { name: "route-api-users-via-flask", port: 5000, backend: "flask" },
      { name: "route-default-via-fastapi", port: 8000, backend: "fastapi" },
      { name: "route-default-via-flask", port: 5000, backend: "flask" },
    ]);
    expect(services(100, 100)).toEqual(services(10, 0));
    const names = kubernetesCrdMetricNames(NAMESPACE, SERVICES);
    expect(names.routeBackend("api-users", "flask")).toBe("migration-dev-route-api-users-via-flask-5000@kubernetescrd");
    expect(names.routeFallback).toBeUndefined();
    const routers = new RegExp(`^${names.routeRouters("api-users")}$`);
    expect(routers.test("migration-dev-route-api-users-0123456789abcdef0123@kubernetescrd")).toBe(true);
    // Another route whose id starts with this one's is not this one's.
    expect(routers.test("migration-dev-route-api-users-get-0123456789abcdef0123@kubernetescrd")).toBe(false);
  });

  const plans: [string, MigrationMap, Partial<RoutingSettings>][] = [
    ["the dev stack's routes", { defaultWeight: 10, routes: DEV_ROUTES }, {}],
    ["the dev stack's routes, failover off", { defaultWeight: 10, routes: DEV_ROUTES }, { failover: false }],
    ["the dev stack's routes, not sticky", { defaultWeight: 50, routes: DEV_ROUTES }, { sticky: false }],
    [
      "routes whose ids take a suffix",
      {
        defaultWeight: 0,
        routes: [
          { path: "/api/users", weight: 100 },
          { path: "/api/users/", weight: 50 },
          { path: "/API/Users", methods: ["OPTIONS"], weight: 0 },
          { path: "/", weight: 25 },
        ],
      },
      {},
    ],
    ["every route at 100%", { defaultWeight: 100, routes: [{ path: "/api/users", weight: 100 }] }, {}],
  ];

  it.each(plans)("names %s with unique DNS-1123 subdomain names, in a stable order", (_, map, settings) => {
    const objects = render(map, settings);
    const keys = objects.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const object of objects) {
      expect(object.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
      expect(object.metadata.name.length).toBeLessThanOrEqual(253);
      expect(object.metadata).toEqual(metadata(object.metadata.name));
    }
    expect(render(map, settings)).toEqual(objects);
  });

  describe("against the CRDs' own schemas", () => {
    let validate: CrdObjectValidator;
    beforeAll(() => {
      validate = traefikCrdValidator();
    });

    it.each(plans)("renders %s as objects every CRD accepts", (_, map, settings) => {
      for (const object of render(map, settings))
        expect([object.metadata.name, validate(object)]).toEqual([object.metadata.name, []]);
    });

    it("rejects what the API server would not keep: a wrong type, a value out of its enum, an unknown field or kind", () => {
      const [middleware, traefikService, ingressRoute] = render({ defaultWeight: 10, routes: DEV_ROUTES });
      const rule = (ingressRoute.spec.routes as object[])[0];
      const weighted = traefikService.spec.weighted as { sticky: { cookie: object } };
      expect(
        validate({ ...ingressRoute, spec: { ...ingressRoute.spec, routes: [{ ...rule, priority: "31" }] } }),
      ).toEqual(['/spec/routes/0/priority must be integer {"type":"integer"}']);
      expect(
        validate({
          ...traefikService,
          spec: { weighted: { ...weighted, sticky: { cookie: { ...weighted.sticky.cookie, sameSite: "Lax" } } } },
        }),
      ).toEqual([
        '/spec/weighted/sticky/cookie/sameSite must be equal to one of the allowed values {"allowedValues":["none","lax","strict"]}',
      ]);
      expect(
        validate({ ...ingressRoute, spec: { ...ingressRoute.spec, routes: [{ ...rule, middleware: retry }] } }),
      ).toEqual(['/spec/routes/0 must NOT have additional properties {"additionalProperty":"middleware"}']);
      expect(validate({ ...middleware, kind: "Middlewares" })).toEqual([
        expect.stringMatching(/^no Traefik CRD defines traefik.io\/v1alpha1 Middlewares$/),
      ]);
    });
  });
});
