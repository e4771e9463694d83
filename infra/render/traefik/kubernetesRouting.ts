import { isSplit, type BackendName, type RoutingPlan } from "../../routing/plan";
import {
  ENTRY_POINT,
  overrideRouters,
  RETRY_MIDDLEWARE,
  retryMiddleware,
  routeRouters,
  routersOfRoute,
  soleBackend,
  splitService,
  weightedSplit,
} from "./dynamicConfig";

/** The Kubernetes Service in front of one backend's pods, in the routing's namespace. */
export interface KubernetesBackendService {
  readonly name: string;
  readonly port: number;
}

export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly spec: Record<string, unknown>;
}

const TRAEFIK_API_VERSION = "traefik.io/v1alpha1";

/**
 * The routing of a plan as objects of Traefik's Kubernetes CRD provider, with the rules, priorities, weights, sticky
 * cookies, override header and retry of the file provider's routing (dynamicConfig.ts), and under the same names: one
 * IngressRoute per migration route, named as its router there; a TraefikService per split route, so a weight step
 * changes that object alone (its weights and cookie), and a route that reaches 0% or 100% references its one backend's
 * Service directly, never the other's; an IngressRoute per backend for the override header; the retry Middleware with
 * failover.
 *
 * What the CRDs cannot express is the other-backend fallback (PlannedRoute's otherBackendFallback): a TraefikService
 * has no failover, and Traefik probes only ExternalName services. Here a replica that dies leaves its Service's
 * endpoints when its readiness probe fails, and until then the retry middleware sends a failed safe request once more
 * through the route's service, which balances over the backend's ready pods, so most likely to another of them. A
 * backend with no ready replica fails its share of a route (503) rather than handing it to the other backend. That
 * takes the CRD provider's `allowEmptyServices`: without it Traefik drops every route that reaches an empty Service,
 * and their requests fall through to a route of lower priority (the default route), which could hand FastAPI a route
 * still at 0%.
 *
 * Traefik names what it builds from these after the IngressRoute and a hash of each rule, and keeps its service metrics
 * per Kubernetes Service, not per route: the per-route service metrics of the file provider (routeBackendService) have
 * no counterpart here.
 */
export function renderTraefikKubernetesRouting(
  plan: RoutingPlan,
  services: Record<BackendName, KubernetesBackendService>,
  namespace: string,
): KubernetesObject[] {
  const object = (kind: string, name: string, spec: Record<string, unknown>): KubernetesObject => ({
    apiVersion: TRAEFIK_API_VERSION,
    kind,
    metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": "migration" } },
    spec,
  });
  const serviceOf = (backend: BackendName) => ({
    kind: "Service",
    name: services[backend].name,
    port: services[backend].port,
  });

  const middlewares = plan.failover ? [object("Middleware", RETRY_MIDDLEWARE, retryMiddleware)] : [];
  const routes = plan.routes.flatMap((route, index) => {
    const split = isSplit(route) ? splitService(route.id) : undefined;
    const service = split ? { kind: "TraefikService", name: split } : serviceOf(soleBackend(route));
    const [name] = routeRouters(route.id);
    const ingressRoute = object("IngressRoute", name, {
      entryPoints: [ENTRY_POINT],
      routes: routersOfRoute(plan, index).map(({ rule, priority, retried }) => ({
        kind: "Rule",
        match: rule,
        priority,
        ...(retried ? { middlewares: [{ name: RETRY_MIDDLEWARE }] } : {}),
        services: [service],
      })),
    });
    return split
      ? [object("TraefikService", split, { weighted: weightedSplit(route, serviceOf) }), ingressRoute]
      : [ingressRoute];
  });
  const overrides = overrideRouters(plan).map(({ name, rule, priority, backend }) =>
    object("IngressRoute", name, {
      entryPoints: [ENTRY_POINT],
      routes: [{ kind: "Rule", match: rule, priority, services: [serviceOf(backend.name)] }],
    }),
  );
  return [...middlewares, ...routes, ...overrides];
}
