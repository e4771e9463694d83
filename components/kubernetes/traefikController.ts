import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IngressPlan } from "../../infra/plan/platformPlan";
import { renderTraefikKubernetesFiles } from "../../infra/render/traefik/traefikIngress";
import { workloadLabels } from "./labels";
import { NO_PRIVILEGE_CONTAINER } from "./podSecurity";
import { DRAIN_LIFECYCLE, livenessProbe, readinessProbe } from "./probes";
import { staticFileVolumes } from "./staticFileVolumes";
import type { KubernetesSettings } from "./targetSettings";

/** How clients reach the ingress: the `kubernetes.ingressService` config. */
export type IngressExposure = KubernetesSettings["ingressService"];

export interface TraefikControllerArgs {
  readonly plan: IngressPlan;
  /** The stack's namespace: Traefik watches its routing objects there, and nowhere else. */
  readonly namespace: string;
  readonly exposure: IngressExposure;
  readonly imagePullSecrets?: pulumi.Input<{ name: pulumi.Input<string> }[]>;
}

/** What Traefik's CRD provider reads in its namespace; a Role, not a ClusterRole, so one stack sees only its own. */
const WATCHED = [
  { apiGroups: [""], resources: ["services", "secrets", "configmaps"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
  {
    apiGroups: ["traefik.io"],
    resources: [
      "ingressroutes",
      "ingressroutetcps",
      "ingressrouteudps",
      "middlewares",
      "middlewaretcps",
      "serverstransports",
      "serverstransporttcps",
      "tlsoptions",
      "tlsstores",
      "traefikservices",
    ],
    verbs: ["get", "list", "watch"],
  },
];

/**
 * Traefik as the stack's ingress controller, scoped to the stack's namespace: its static configuration and the project's
 * plugins baked in from ConfigMaps, its routing read from the namespace's Traefik objects, and a Service in front.
 */
export class TraefikController extends pulumi.ComponentResource {
  /** Where clients reach the migrated service. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: TraefikControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:kubernetes:TraefikController", name, {}, opts);
    const { plan, namespace, exposure } = args;
    const labels = workloadLabels(plan.host);
    const child = { parent: this };

    const account = new k8s.core.v1.ServiceAccount(name, { metadata: { namespace, name: plan.host } }, child);
    const role = new k8s.rbac.v1.Role(name, { metadata: { namespace, name: plan.host }, rules: WATCHED }, child);
    const binding = new k8s.rbac.v1.RoleBinding(
      name,
      {
        metadata: { namespace, name: plan.host },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
      },
      child,
    );
    const files = staticFileVolumes(plan.host, renderTraefikKubernetesFiles(namespace), namespace, child);

    const deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { namespace, name: plan.host },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: account.metadata.name,
              imagePullSecrets: args.imagePullSecrets,
              // Traefik serves on port 80 as an unprivileged user.
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65532,
                runAsGroup: 65532,
                sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
                seccompProfile: { type: "RuntimeDefault" },
              },
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: "traefik",
                  image: plan.image,
                  command: [...plan.command],
                  ports: [
                    { name: "web", containerPort: plan.port },
                    { name: "metrics", containerPort: plan.metricsPort },
                  ],
                  readinessProbe: plan.health && readinessProbe(plan.health),
                  livenessProbe: livenessProbe(plan.port),
                  lifecycle: DRAIN_LIFECYCLE,
                  securityContext: NO_PRIVILEGE_CONTAINER,
                  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                  volumeMounts: files.volumeMounts,
                },
              ],
              volumes: files.volumes,
            },
          },
        },
      },
      { parent: this, dependsOn: [binding] },
    );
    const service = new k8s.core.v1.Service(
      name,
      {
        metadata: { namespace, name: plan.host },
        spec: {
          type: exposure.type,
          selector: labels,
          ports: [{ name: "web", port: plan.hostPort, targetPort: plan.port, nodePort: exposure.nodePort }],
        },
      },
      { parent: this, dependsOn: [deployment] },
    );
    this.url = serviceUrl(service, exposure, plan.hostPort);
    this.registerOutputs({ url: this.url });
  }
}

function serviceUrl(service: k8s.core.v1.Service, exposure: IngressExposure, port: number): pulumi.Output<string> {
  switch (exposure.type) {
    case "ClusterIP":
      return pulumi.interpolate`http://${service.spec.clusterIP}:${port}`;
    case "NodePort":
      return pulumi.interpolate`http://${exposure.address}:${service.spec.ports[0].nodePort}`;
    case "LoadBalancer":
      return service.status.loadBalancer.ingress.apply((ingress) => {
        const address = ingress?.[0]?.hostname || ingress?.[0]?.ip;
        return `http://${address}:${port}`;
      });
  }
}
