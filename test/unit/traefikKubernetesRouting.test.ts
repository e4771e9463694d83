import { load } from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { renderTraefikRouting } from "../../infra/render/traefik/dynamicConfig";
import { renderTraefikKubernetesRouting, type KubernetesObject } from "../../infra/render/traefik/kubernetesRouting";
import { buildRoutingPlan, type RoutingSettings } from "../../infra/routing/plan";
import type { MigrationMap } from "../../infra/routing/route";
import { traefikCrdValidator, type TraefikObjectValidator } from "../support/traefikCrds";

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
const retry = [{ name: "failover-retry" }];

describe("Traefik routing as Kubernetes CRD objects", () => {
  it("splits a route through a TraefikService over both backends' Services, with the route's sticky cookie", () => {
    const objects = render({ defaultWeight: 10, routes: DEV_ROUTES });
    expect(named(objects, "TraefikService", "split-api-users-get-head")).toEqual({
      apiVersion: "traefik.io/v1alpha1",
      kind: "TraefikService",
      metadata: metadata("split-api-users-get-head"),
      spec: {
        weighted: {
          services: [
            { ...fastapiService, weight: 10 },
            { ...flaskService, weight: 90 },
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

  it("sends a 0% route to Flask's Service and a 100% route to FastAPI's, naming the other backend nowhere", () => {
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
      expect(named(objects, "IngressRoute", "route-api-orders-post-put-patch-delete")!.spec).toEqual({
        entryPoints: ["web"],
        routes: [
          {
            kind: "Rule",
            match:
              "PathPrefix(`/api/orders`) && (Method(`POST`) || Method(`PUT`) || Method(`PATCH`) || Method(`DELETE`))",
            priority: 30,
            services: [flaskService],
          },
        ],
      });
      const users = named(objects, "IngressRoute", "route-api-users")!;
      expect(JSON.stringify(users)).not.toMatch(/flask/);
      expect((users.spec.routes as { services: unknown[] }[]).map((rule) => rule.services)).toEqual(
        failover ? [[fastapiService], [fastapiService]] : [[fastapiService]],
      );
      expect(
        objects.filter((object) => object.kind === "TraefikService").map((object) => object.metadata.name),
      ).toEqual(["split-default"]);
    }
  });

  it("references Flask nowhere once every route is at 100%, with failover off", () => {
    const objects = render({ defaultWeight: 100, routes: [{ path: "/api/users", weight: 100 }] }, { failover: false });
    expect(JSON.stringify(objects)).not.toMatch(/flask/);
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      "IngressRoute/route-api-users",
      "IngressRoute/route-default",
      "IngressRoute/override-fastapi",
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
    expect(objects.filter((object) => object.kind === "Middleware")).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/retry|middlewares/);
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
    expect(objects.slice(-2)).toEqual([
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
      const kubernetesRules = render(map, { failover })
        .filter((object) => object.kind === "IngressRoute")
        .flatMap((object) => object.spec.routes as { match: string; priority: number; middlewares?: unknown }[])
        .map(({ match, priority, middlewares }) => ({ rule: match, priority, retried: middlewares !== undefined }));
      const byPriority = (a: { priority: number; rule: string }, b: { priority: number; rule: string }) =>
        a.priority - b.priority || a.rule.localeCompare(b.rule);
      expect(kubernetesRules.sort(byPriority)).toEqual(dockerRules.sort(byPriority));
    }
  });

  it("changes only the route's TraefikService on a step within the split, and its IngressRoute when it starts or ends", () => {
    const at = (weight: number) =>
      render({ defaultWeight: 10, routes: [{ path: "/api/users", weight }] }).map((object) => JSON.stringify(object));
    const changed = (before: string[], after: string[]) => [
      ...new Set(
        [...before.filter((object) => !after.includes(object)), ...after.filter((object) => !before.includes(object))]
          .map((object) => `${JSON.parse(object).kind}/${JSON.parse(object).metadata.name}`)
          .sort(),
      ),
    ];
    expect(changed(at(10), at(50))).toEqual(["TraefikService/split-api-users"]);
    expect(changed(at(0), at(10))).toEqual(["IngressRoute/route-api-users", "TraefikService/split-api-users"]);
    expect(changed(at(90), at(100))).toEqual(["IngressRoute/route-api-users", "TraefikService/split-api-users"]);
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
    let validate: TraefikObjectValidator;
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
