import { BACKENDS, routeUses, type BackendName, type PlannedRoute, type RoutingPlan } from "../../routing/plan";
import { routingObject, type KubernetesObject } from "../kubernetesObject";
import type { KubernetesBackendService } from "../traefik/kubernetesRouting";

const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";

/** The Gateway the routes attach to, and the listener of it when one is named. */
export interface GatewayReference {
  readonly name: string;
  readonly namespace: string;
  readonly listener?: string;
}

/** An HTTPRoute's name for a migration route: the name its router has on Traefik (dynamicConfig.ts's routeRouters). */
const gatewayRouteName = (routeId: string) => `route-${routeId}`;

/** What a request of the route looks like to the Gateway: its path prefix, with each of its methods (ORed). */
function routeMatches(route: PlannedRoute, headers: readonly object[] = []) {
  const path = { type: "PathPrefix", value: route.path };
  const extra = headers.length > 0 ? { headers } : {};
  return route.methods ? route.methods.map((method) => ({ path, method, ...extra })) : [{ path, ...extra }];
}

/**
 * The routing of a plan as Gateway API HTTPRoutes attached to a Gateway the cluster already runs: one per migration
 * route, whose first rule deals the route's requests between the backends' Services by its weight (one backend alone
 * at 0% or 100%, never naming the other), and one more rule per routed backend that sends the route's requests
 * carrying the override header to that backend. The Gateway picks a rule by its own precedence, not by the map's
 * order: the longest path prefix, then a method match, then the most header matches; validation refuses a map whose
 * order that would change (routeConflicts.ts), and the override rule wins over its route's own by its one header.
 *
 * What an HTTPRoute cannot express is refused by validation rather than rendered otherwise: sticky sessions (session
 * persistence is experimental in the Gateway API) and failover. The routes' figures come from the apps' own metrics
 * (routeBackendSources.ts), since the Gateway's are not the stack's to read.
 */
export function renderGatewayRouting(
  plan: RoutingPlan,
  services: Record<BackendName, KubernetesBackendService>,
  namespace: string,
  gateway: GatewayReference,
): KubernetesObject[] {
  const parentRefs = [
    {
      group: "gateway.networking.k8s.io",
      kind: "Gateway",
      name: gateway.name,
      namespace: gateway.namespace,
      ...(gateway.listener ? { sectionName: gateway.listener } : {}),
    },
  ];
  const backendRef = (backend: BackendName, weight?: number) => ({
    kind: "Service",
    name: services[backend].name,
    port: services[backend].port,
    ...(weight === undefined ? {} : { weight }),
  });
  const routed = BACKENDS.filter((backend) => plan[backend] !== undefined);
  return plan.routes.map((route) =>
    routingObject(GATEWAY_API_VERSION, "HTTPRoute", gatewayRouteName(route.id), namespace, {
      parentRefs,
      rules: [
        {
          matches: routeMatches(route),
          backendRefs: BACKENDS.filter((backend) => routeUses(route, backend)).map((backend) =>
            backendRef(backend, backend === "fastapi" ? route.weight : 100 - route.weight),
          ),
        },
        ...routed.map((backend) => ({
          matches: routeMatches(route, [{ type: "Exact", name: plan.overrideHeader, value: backend }]),
          backendRefs: [backendRef(backend)],
        })),
      ],
    }),
  );
}
