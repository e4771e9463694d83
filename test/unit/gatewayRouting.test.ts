import { beforeAll, describe, expect, it } from "vitest";
import { renderGatewayRouting } from "../../infra/render/gateway/httpRoutes";
import type { KubernetesObject } from "../../infra/render/kubernetesObject";
import { buildRoutingPlan } from "../../infra/routing/plan";
import type { MigrationMap } from "../../infra/routing/route";
import { gatewayApiCrdValidator, type CrdObjectValidator } from "../support/crdSchemas";

const NAMESPACE = "migration-dev";
const SERVICES = { fastapi: { name: "fastapi", port: 8000 }, flask: { name: "flask", port: 5000 } };
const GATEWAY = { name: "shared", namespace: "gateways", listener: "http" };
const DEV_ROUTES: MigrationMap["routes"] = [
  { path: "/api/users", methods: ["GET", "HEAD"], weight: 10 },
  { path: "/api/orders", methods: ["POST", "PUT", "PATCH", "DELETE"], weight: 0 },
];

/** The routing behind a Gateway: no sticky sessions and no failover (validation refuses both there). */
function render(map: MigrationMap, gateway: typeof GATEWAY | Omit<typeof GATEWAY, "listener"> = GATEWAY) {
  const plan = buildRoutingPlan(
    map,
    { sticky: false, overrideHeader: "X-Backend", failover: false },
    {
      fastapi: { servers: ["fastapi:8000"], healthPath: "/healthz" },
      flask: { servers: ["flask:5000"], healthPath: "/healthz" },
    },
  );
  return renderGatewayRouting(plan, SERVICES, NAMESPACE, gateway);
}

const named = (objects: KubernetesObject[], name: string) => objects.find((object) => object.metadata.name === name);
const parentRefs = [
  { group: "gateway.networking.k8s.io", kind: "Gateway", name: "shared", namespace: "gateways", sectionName: "http" },
];
const fastapi = (weight?: number) => ({
  kind: "Service",
  name: "fastapi",
  port: 8000,
  ...(weight === undefined ? {} : { weight }),
});
const flask = (weight?: number) => ({
  kind: "Service",
  name: "flask",
  port: 5000,
  ...(weight === undefined ? {} : { weight }),
});
const override = (backend: string) => [{ type: "Exact", name: "X-Backend", value: backend }];

describe("the routing as Gateway API HTTPRoutes", () => {
  it("splits a route between the backends' Services by its weight, one match per method, with an override rule per backend", () => {
    const path = { type: "PathPrefix", value: "/api/users" };
    expect(named(render({ defaultWeight: 10, routes: DEV_ROUTES }), "route-api-users-get-head")).toEqual({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: {
        name: "route-api-users-get-head",
        namespace: NAMESPACE,
        labels: { "app.kubernetes.io/managed-by": "migration" },
      },
      spec: {
        parentRefs,
        rules: [
          {
            matches: [
              { path, method: "GET" },
              { path, method: "HEAD" },
            ],
            backendRefs: [fastapi(10), flask(90)],
          },
          {
            matches: [
              { path, method: "GET", headers: override("fastapi") },
              { path, method: "HEAD", headers: override("fastapi") },
            ],
            backendRefs: [fastapi()],
          },
          {
            matches: [
              { path, method: "GET", headers: override("flask") },
              { path, method: "HEAD", headers: override("flask") },
            ],
            backendRefs: [flask()],
          },
        ],
      },
    });
  });

  it("names only the one backend of a route at 0% or 100%, and every method of the default route by its prefix /", () => {
    const objects = render({ defaultWeight: 100, routes: DEV_ROUTES });
    const rules = (name: string) => named(objects, name)!.spec.rules as { matches: object[]; backendRefs: object[] }[];
    expect(rules("route-api-orders-post-put-patch-delete")[0].backendRefs).toEqual([flask(100)]);
    expect(rules("route-default")[0]).toEqual({
      matches: [{ path: { type: "PathPrefix", value: "/" } }],
      backendRefs: [fastapi(100)],
    });
  });

  it("leaves Flask out entirely, overrides included, once no route sends it anything", () => {
    const objects = render({ defaultWeight: 100, routes: DEV_ROUTES.map((route) => ({ ...route, weight: 100 })) });
    expect(JSON.stringify(objects)).not.toContain('"flask"');
    for (const object of objects) expect((object.spec.rules as object[]).length).toBe(2);
  });

  it("attaches to every listener of the Gateway that admits the routes when none is named", () => {
    const [object] = render({ defaultWeight: 10, routes: [] }, { name: "shared", namespace: "gateways" });
    expect(object.spec.parentRefs).toEqual([
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "shared", namespace: "gateways" },
    ]);
  });

  it("changes only the backends' weights with a weight step", () => {
    const before = render({ defaultWeight: 10, routes: DEV_ROUTES });
    const after = render({ defaultWeight: 50, routes: DEV_ROUTES });
    const changed = after.filter((object, index) => JSON.stringify(object) !== JSON.stringify(before[index]));
    expect(changed.map((object) => object.metadata.name)).toEqual(["route-default"]);
    expect((changed[0].spec.rules as { backendRefs: object[] }[])[0].backendRefs).toEqual([fastapi(50), flask(50)]);
  });

  describe("against the Gateway API's CRD schema", () => {
    let validate: CrdObjectValidator;
    beforeAll(() => {
      validate = gatewayApiCrdValidator();
    });

    it.each([0, 10, 50, 100])("renders every route at default weight %i as an HTTPRoute the CRD accepts", (weight) => {
      for (const object of render({ defaultWeight: weight, routes: DEV_ROUTES }))
        expect([object.metadata.name, validate(object)]).toEqual([object.metadata.name, []]);
    });
  });
});
