import { beforeAll, describe, expect, it } from "vitest";
import type { KubernetesObject } from "../../infra/render/kubernetesObject";
import { gatewayApiCrdValidator, type CrdObjectValidator } from "../support/crdSchemas";

const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";
const BACKENDS = [
  { kind: "Service", name: "fastapi", port: 8000, weight: 90 },
  { kind: "Service", name: "flask", port: 5000, weight: 10 },
];
const MATCH = {
  path: { type: "PathPrefix", value: "/api/users" },
  method: "GET",
  headers: [{ type: "Exact", name: "X-Backend", value: "fastapi" }],
};
const ROUTE: KubernetesObject = {
  apiVersion: GATEWAY_API_VERSION,
  kind: "HTTPRoute",
  metadata: { name: "api-users", namespace: "migration-dev", labels: { "app.kubernetes.io/managed-by": "migration" } },
  spec: {
    parentRefs: [
      {
        group: "gateway.networking.k8s.io",
        kind: "Gateway",
        name: "migration",
        namespace: "migration-gateway",
        sectionName: "http",
      },
    ],
    rules: [{ matches: [MATCH], backendRefs: BACKENDS }],
  },
};

/** ROUTE with its one rule's match and backends replaced. */
function route(match: object, backendRefs: object[]): KubernetesObject {
  return { ...ROUTE, spec: { ...ROUTE.spec, rules: [{ matches: [match], backendRefs }] } };
}

describe("the Gateway API's CRD schemas", () => {
  let validate: CrdObjectValidator;
  beforeAll(() => {
    validate = gatewayApiCrdValidator();
  });

  it("accepts an HTTPRoute on a Gateway's listener: path, method and header matches, weighted Services", () => {
    expect(validate(ROUTE)).toEqual([]);
  });

  it("accepts a Gateway whose address is a hostname (a value validation's oneOf names only some fields)", () => {
    const gateway: KubernetesObject = {
      apiVersion: GATEWAY_API_VERSION,
      kind: "Gateway",
      metadata: { name: "migration", namespace: "migration-gateway" },
      spec: {
        gatewayClassName: "migration-traefik",
        addresses: [{ type: "Hostname", value: "gateway.example.com" }],
        listeners: [{ name: "http", protocol: "HTTP", port: 8000, allowedRoutes: { namespaces: { from: "All" } } }],
      },
    };
    expect(validate(gateway)).toEqual([]);
  });

  it("rejects what the API server would not keep: an unknown field, a value out of its enum, a weight below 0", () => {
    expect(validate(route(MATCH, [{ ...BACKENDS[0], wieght: 90 }]))).toEqual([
      '/spec/rules/0/backendRefs/0 must NOT have additional properties {"additionalProperty":"wieght"}',
    ]);
    expect(validate(route({ ...MATCH, method: "FETCH" }, BACKENDS))).toEqual([
      '/spec/rules/0/matches/0/method must be equal to one of the allowed values {"allowedValues":["GET","HEAD","POST","PUT","DELETE","CONNECT","OPTIONS","TRACE","PATCH"]}',
    ]);
    expect(validate(route(MATCH, [{ ...BACKENDS[0], weight: -1 }, BACKENDS[1]]))).toEqual([
      '/spec/rules/0/backendRefs/0/weight must be >= 0 {"comparison":">=","limit":0}',
    ]);
    expect(validate({ ...ROUTE, kind: "HTTPRoutes" })).toEqual([
      "no Gateway API CRD defines gateway.networking.k8s.io/v1 HTTPRoutes",
    ]);
  });
});
