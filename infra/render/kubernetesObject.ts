/** A namespaced Kubernetes object of the routing, as the renderers make it and the cluster takes it. */
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

/** A routing object of the stack's namespace, labelled as the project's, whichever API (Traefik's, the Gateway API) it is of. */
export function routingObject(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
): KubernetesObject {
  return {
    apiVersion,
    kind,
    metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": "migration" } },
    spec,
  };
}
