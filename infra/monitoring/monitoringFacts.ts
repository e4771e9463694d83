import type { BackendName } from "../routing/plan";

/** How Traefik names, in its metrics, what it builds for a route: it depends on where Traefik reads the routing from. */
export interface TraefikMetricNames {
  /** The `service` label of the load-balancer service through which a route reaches one backend's replicas. */
  readonly routeBackend: (routeId: string, backend: BackendName) => string;
  /** The `service` label of the route's fallback for a backend (the other backend serving its share), where one exists. */
  readonly routeFallback?: (routeId: string, backend: BackendName) => string;
  /** A regular expression matching the `router` label of each of the route's routers, and of nothing else. */
  readonly routeRouters: (routeId: string) => string;
}

/** How Prometheus finds the replicas on a target. */
export type ScrapeDiscovery =
  /** At the ingress's host, and at each address the ingress reaches a replica by (one address per replica). */
  | { readonly kind: "listed" }
  /**
   * At a name per workload that resolves to the address of every pod of it (a headless Service), asked again every few
   * seconds, on the port the ingress reaches the workload on: pods come and go, and the one address of a Service would
   * hide all of them but one.
   */
  | { readonly kind: "everyPod"; readonly hostOf: (workload: string) => string };

/** Where the per-route, per-backend figures come from. */
export type RouteFigureSource =
  /** The ingress's own series (Traefik's or nginx's): what clients saw, an unreachable backend included. */
  | { readonly from: "ingress"; readonly traefikNames: TraefikMetricNames }
  /** The apps' own request series: the ingress (the cluster's Gateway) is not the stack's to read. */
  | { readonly from: "apps" };

/** What Prometheus's configuration needs to know of a target. */
export interface MonitoringFacts {
  readonly discovery: ScrapeDiscovery;
  readonly figures: RouteFigureSource;
  /**
   * Where the configured weights reach Prometheus: a rule file rewritten in place at each step (weightRules.ts), or the
   * ingress's weights endpoint, whose body the routing objects carry (publishedWeights.ts).
   */
  readonly weights: "ruleFile" | "ingressEndpoint";
}
