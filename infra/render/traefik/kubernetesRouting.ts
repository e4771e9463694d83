import type { TraefikMetricNames } from "../../monitoring/monitoringFacts";
import {
  PUBLISHED_WEIGHTS_CONTENT_TYPE,
  PUBLISHED_WEIGHTS_PATH,
  renderPublishedWeights,
} from "../../monitoring/publishedWeights";
import { BACKENDS, isSplit, type BackendName, type PlannedRoute, type RoutingPlan } from "../../routing/plan";
import {
  ENTRY_POINT,
  overrideRouters,
  RETRY_MIDDLEWARE,
  retryMiddleware,
  routeBackendService,
  routeRouters,
  routersOfRoute,
  soleBackend,
  splitService,
  weightedSplit,
} from "./dynamicConfig";
import { routingObject, type KubernetesObject } from "../kubernetesObject";
import { STATIC_RESPONSE_PLUGIN } from "./localPlugins";
import { METRICS_ENTRY_POINT } from "./ports";

/** The Kubernetes Service in front of one backend's pods, in the routing's namespace. */
export interface KubernetesBackendService {
  readonly name: string;
  readonly port: number;
}

const TRAEFIK_API_VERSION = "traefik.io/v1alpha1";
/** Traefik's CRD provider suffixes the names of what it builds with this. */
const CRD_PROVIDER = "kubernetescrd";
/** The Middleware that serves the weights, and the IngressRoute that serves it on the metrics entry point. */
export const PUBLISHED_WEIGHTS_OBJECT = "published-weights";

/** A Service in front of one backend's pods for one route, so that Traefik's metrics tell the routes apart. */
export interface RouteBackendService extends KubernetesBackendService {
  /** The backend whose pods it selects. */
  readonly backend: BackendName;
}

/**
 * The Service of every route of the plan to each backend, whichever backends its weight uses: the set changes only
 * with the routes, never with a weight. Traefik keeps service metrics per Kubernetes Service (a TraefikService has
 * none), so a Service per route and backend is what gives each route's Flask and FastAPI figures apart, as the file
 * provider's per-route services do on Docker.
 */
export function routeBackendServices(
  plan: Pick<RoutingPlan, "routes">,
  services: Record<BackendName, KubernetesBackendService>,
): RouteBackendService[] {
  return plan.routes.flatMap((route) =>
    BACKENDS.map((backend) => ({
      name: routeBackendService(route.id, backend),
      port: services[backend].port,
      backend,
    })),
  );
}

/**
 * How Traefik's CRD provider names a route's services and routers in its metrics: a Service as
 * `<namespace>-<name>-<port>`, an IngressRoute's router as `<namespace>-<name>-<20 hex digits of its rule's hash>`. There
 * is no fallback service (see renderTraefikKubernetesRouting).
 */
export function kubernetesCrdMetricNames(
  namespace: string,
  services: Record<BackendName, KubernetesBackendService>,
): TraefikMetricNames {
  return {
    routeBackend: (routeId, backend) =>
      `${namespace}-${routeBackendService(routeId, backend)}-${services[backend].port}@${CRD_PROVIDER}`,
    routeRouters: (routeId) => `${namespace}-${routeRouters(routeId)[0]}-[0-9a-f]{20}@${CRD_PROVIDER}`,
  };
}

/**
 * The routing of a plan as objects of Traefik's Kubernetes CRD provider, with the rules, priorities, weights, sticky
 * cookies, override header and retry of the file provider's routing (dynamicConfig.ts), and under the same names: one
 * IngressRoute per migration route, named as its router there, sending to the route's TraefikService, which weighs the
 * route's Services of both backends while it is split and names its one backend's alone at 0% or 100%, never the
 * other's; a weight step changes that object only. An IngressRoute per backend for the override header, to the
 * backend's own Service (those requests stay out of the routes' figures, as on Docker); the retry Middleware with
 * failover; and the weights, in Prometheus's format, served on the metrics entry point by a Middleware of the project's
 * static-response plugin (publishedWeights.ts), so that Prometheus sees a step as soon as Traefik does.
 *
 * What the CRDs cannot express is the other-backend fallback (PlannedRoute's otherBackendFallback): a TraefikService
 * has no failover, and Traefik probes only ExternalName services. Here a replica that dies leaves its Service's
 * endpoints when its readiness probe fails, and until then the retry middleware sends a failed safe request once more
 * through the route's service, which balances over the backend's ready pods, so most likely to another of them. A
 * backend with no ready replica fails its share of a route (503) rather than handing it to the other backend. That
 * takes the CRD provider's `allowEmptyServices`: without it Traefik drops every route that reaches an empty Service,
 * and their requests fall through to a route of lower priority (the default route), which could hand FastAPI a route
 * still at 0%.
 */
export function renderTraefikKubernetesRouting(
  plan: RoutingPlan,
  services: Record<BackendName, KubernetesBackendService>,
  namespace: string,
): KubernetesObject[] {
  const object = traefikObjects(namespace);
  const routeShare = (route: PlannedRoute) => (backend: BackendName) => ({
    kind: "Service",
    name: routeBackendService(route.id, backend),
    port: services[backend].port,
  });

  const middlewares = plan.failover ? [object("Middleware", RETRY_MIDDLEWARE, retryMiddleware)] : [];
  const routes = plan.routes.flatMap((route, index) => {
    const shareOf = routeShare(route);
    const [name] = routeRouters(route.id);
    const weighted = isSplit(route)
      ? weightedSplit(route, shareOf)
      : { services: [{ ...shareOf(soleBackend(route)), weight: 1 }] };
    return [
      object("TraefikService", splitService(route.id), { weighted }),
      object("IngressRoute", name, {
        entryPoints: [ENTRY_POINT],
        routes: routersOfRoute(plan, index).map(({ rule, priority, retried }) => ({
          kind: "Rule",
          match: rule,
          priority,
          ...(retried ? { middlewares: [{ name: RETRY_MIDDLEWARE }] } : {}),
          services: [{ kind: "TraefikService", name: splitService(route.id) }],
        })),
      }),
    ];
  });
  const overrides = overrideRouters(plan).map(({ name, rule, priority, backend }) =>
    object("IngressRoute", name, {
      entryPoints: [ENTRY_POINT],
      routes: [
        {
          kind: "Rule",
          match: rule,
          priority,
          services: [{ kind: "Service", name: services[backend.name].name, port: services[backend.name].port }],
        },
      ],
    }),
  );
  return [...middlewares, ...routes, ...overrides, ...publishedWeightsObjects(plan, namespace)];
}

/** Makes the Traefik objects of one namespace. */
const traefikObjects = (namespace: string) => (kind: string, name: string, spec: Record<string, unknown>) =>
  routingObject(TRAEFIK_API_VERSION, kind, name, namespace, spec);

/**
 * The weights, in Prometheus's format, served on Traefik's metrics entry point by a Middleware of the project's
 * static-response plugin (publishedWeights.ts): Prometheus sees a step as soon as Traefik does. With the Gateway API
 * flavour, the stack's Traefik serves these alone (the Gateway serves the traffic).
 */
export function publishedWeightsObjects(plan: Pick<RoutingPlan, "routes">, namespace: string): KubernetesObject[] {
  const object = traefikObjects(namespace);
  return [
    object("Middleware", PUBLISHED_WEIGHTS_OBJECT, {
      plugin: {
        [STATIC_RESPONSE_PLUGIN]: {
          contentType: PUBLISHED_WEIGHTS_CONTENT_TYPE,
          body: renderPublishedWeights(plan.routes),
        },
      },
    }),
    object("IngressRoute", PUBLISHED_WEIGHTS_OBJECT, {
      entryPoints: [METRICS_ENTRY_POINT],
      routes: [
        {
          kind: "Rule",
          match: `Path(\`${PUBLISHED_WEIGHTS_PATH}\`)`,
          middlewares: [{ name: PUBLISHED_WEIGHTS_OBJECT }],
          // Traefik's own service that answers nothing: the middleware answers every request before it.
          services: [{ kind: "TraefikService", name: "noop@internal" }],
        },
      ],
    }),
  ];
}
