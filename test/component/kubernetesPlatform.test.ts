import * as pulumi from "@pulumi/pulumi";
import { load } from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { plainInputs, RecordingMocks, runProgram, secretValue, type RecordedResource } from "../support/recordingMocks";
import { stackFileConfig } from "../support/stackConfig";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE = "kubernetes:core/v1:Service";
const CLAIM = "kubernetes:core/v1:PersistentVolumeClaim";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const JOB = "kubernetes:batch/v1:Job";
const BUDGET = "kubernetes:policy/v1:PodDisruptionBudget";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const TRAEFIK_OBJECT = /^kubernetes:traefik\.io\/v1alpha1:/;
const MOCK_PASSWORD = "mock-password-0123456789abcdef";
const SELF = "organization/migration/dev";
const REGISTRY = "10.250.0.254:5000";

const mocks = new RecordingMocks();
let platformProgram: () => Promise<Record<string, unknown>>;

/** The dev stage moved to a cluster, as docs/kubernetes.md tells a user to do it. */
function clusterConfig(changes: Record<string, unknown> = {}): Record<string, string> {
  const config = stackFileConfig("Pulumi.dev.yaml");
  const values: Record<string, unknown> = {
    target: "kubernetes",
    kubernetes: {
      imageRegistry: REGISTRY,
      storageClass: "local-hostpath",
      databaseStorage: "1Gi",
      monitoringStorage: "2Gi",
    },
    ...changes,
  };
  for (const [key, value] of Object.entries(values))
    config[`migration:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  return config;
}

const run = (config: Record<string, string>) =>
  runProgram(mocks, platformProgram, { project: "migration", stack: "dev", config });
const named = (type: string, name: string) => mocks.named(type, name).inputs;
const podSpec = (resource: Record<string, any>) => resource.spec.template.spec;

beforeAll(async () => {
  await pulumi.runtime.setMocks(mocks, "migration", "dev", false, "organization");
  ({ platformProgram } = await import("../../stacks/platform/program"));
});

describe("the dev stage on Kubernetes", () => {
  let recorded: RecordedResource[];
  let outputs: Record<string, unknown>;

  beforeAll(async () => {
    mocks.setStackOutputs(SELF, {});
    ({ outputs } = await run(clusterConfig()));
    recorded = [...mocks.resources];
  });

  it("puts every namespaced object in the stack's own namespace, <project>-<stack> by default", () => {
    expect(named(NAMESPACE, "namespace").metadata.name).toBe("migration-dev");
    const namespaced = recorded.filter(
      (resource) => resource.type.startsWith("kubernetes:") && resource.inputs.metadata,
    );
    for (const resource of namespaced.filter((resource) => resource.type !== NAMESPACE))
      expect(resource.inputs.metadata.namespace, `${resource.type} ${resource.name}`).toBe("migration-dev");
  });

  it("registers each resource under a unique name", () => {
    const keys = recorded.map((resource) => `${resource.type}::${resource.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("keeps the database password secret in state and outputs", async () => {
    expect(plainInputs(recorded)).not.toContain(MOCK_PASSWORD);
    const credentials = named(SECRET, "database-credentials");
    expect(secretValue(credentials.stringData)).toEqual({ POSTGRES_PASSWORD: MOCK_PASSWORD });
    expect(secretValue<string>(named(SECRET, "fastapi-env").stringData)).toEqual({
      DATABASE_URL: `postgresql+asyncpg://migration:${MOCK_PASSWORD}@postgres:5432/migration`,
    });
    expect(outputs.databaseUrl).toBe(`postgresql://migration:${MOCK_PASSWORD}@postgres:5432/migration`);
  });

  it("runs PostgreSQL as one StatefulSet pod on a claim of the stack, which the dev stage does not keep", () => {
    const claim = named(CLAIM, "database-data");
    expect(claim.spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      storageClassName: "local-hostpath",
      resources: { requests: { storage: "1Gi" } },
    });
    expect(mocks.optionsOf(CLAIM, "database-data").retainOnDelete).toBe(false);
    expect(mocks.optionsOf(NAMESPACE, "namespace").retainOnDelete).toBe(false);
    const database = named(STATEFUL_SET, "database");
    expect(database.spec.replicas).toBe(1);
    expect(podSpec(database).volumes).toEqual([
      { name: "data", persistentVolumeClaim: { claimName: "postgres-data" } },
    ]);
    expect(podSpec(database).containers[0].image).toBe(`${REGISTRY}/migration/postgres:15-bookworm`);
  });

  it("keeps the claim and its namespace through a destroy where the stage retains the database", async () => {
    await run(clusterConfig({ database: { image: "migration/postgres:15-bookworm", retainOnDestroy: true } }));
    expect(mocks.optionsOf(CLAIM, "database-data").retainOnDelete).toBe(true);
    expect(mocks.optionsOf(NAMESPACE, "namespace").retainOnDelete).toBe(true);
  });

  it("migrates the schema in a Job tried once, whose failure keeps its output", () => {
    const job = named(JOB, "schema-migration");
    expect(job.spec.backoffLimit).toBe(0);
    const [container] = podSpec(job).containers;
    expect(container.command).toEqual(["alembic", "upgrade", "head"]);
    expect(container.terminationMessagePolicy).toBe("FallbackToLogsOnError");
    expect(container.securityContext.runAsNonRoot).toBe(true);
  });

  it("runs FastAPI as a Deployment with distinct probes, limits, no unavailable pod in a roll, and a budget", () => {
    const fastapi = named(DEPLOYMENT, "fastapi");
    expect(fastapi.spec.replicas).toBe(2);
    expect(fastapi.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    const [container] = podSpec(fastapi).containers;
    expect(container.image).toBe(`${REGISTRY}/migration/fastapi:0.2.0`);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/healthz", port: 8000 });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 8000 });
    expect(container.lifecycle.preStop).toEqual({ sleep: { seconds: 5 } });
    expect(container.resources.limits).toEqual({ cpu: "1", memory: "512Mi" });
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect(container.env).toEqual([
      { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "fastapi-env-generated", key: "DATABASE_URL" } } },
      { name: "BACKEND_NAME", value: "fastapi" },
      { name: "PORT", value: "8000" },
    ]);
    expect(named(BUDGET, "fastapi").spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: fastapi.spec.selector.matchLabels },
    });
  });

  it("owns both apps' Services, Flask's before the legacy stack runs it", () => {
    expect(named(SERVICE, "fastapi").spec.ports).toEqual([{ name: "http", port: 8000, targetPort: 8000 }]);
    expect(named(SERVICE, "flask").spec.ports).toEqual([{ name: "http", port: 5000, targetPort: 5000 }]);
    expect(named(SERVICE, "flask").metadata.annotations).toEqual({ "pulumi.com/skipAwait": "true" });
  });

  it("runs Traefik on the namespace's routing objects only, with a Role rather than a ClusterRole", () => {
    const traefik = named(DEPLOYMENT, "ingress");
    expect(podSpec(traefik).containers[0].image).toBe(`${REGISTRY}/migration/traefik:v3.6.12`);
    expect(recorded.some((resource) => resource.type.includes("ClusterRole"))).toBe(false);
    expect(named(ROLE, "ingress").rules.map((rule: { apiGroups: string[] }) => rule.apiGroups[0])).toEqual([
      "",
      "discovery.k8s.io",
      "traefik.io",
    ]);
    const staticConfig = recorded.find(
      (resource) => resource.type === "kubernetes:core/v1:ConfigMap" && resource.inputs.data["traefik.yml"],
    )!.inputs.data["traefik.yml"] as string;
    expect(staticConfig).toContain("kubernetesCRD:");
    expect(staticConfig).toContain("- migration-dev");
    expect(named(SERVICE, "ingress").spec).toMatchObject({
      type: "LoadBalancer",
      ports: [{ port: 8080, targetPort: 80 }],
    });
  });

  it("publishes the routing as Traefik objects, not as a mounted file", () => {
    const routing = recorded.filter((resource) => TRAEFIK_OBJECT.test(resource.type));
    expect(routing.length).toBeGreaterThan(0);
    expect(routing.map((resource) => resource.inputs.kind)).toContain("IngressRoute");
  });

  it("runs Prometheus, Alertmanager and the exporter as one pod each, as the images' unprivileged user", () => {
    for (const [name, image] of [
      ["prometheus", "migration/prometheus:2.42-bookworm"],
      ["alertmanager", "migration/alertmanager:0.25-bookworm"],
      ["postgres-exporter", "migration/postgres-exporter:0.11-bookworm"],
    ]) {
      const deployment = named(DEPLOYMENT, name);
      expect(deployment.spec.replicas, name).toBe(1);
      expect(deployment.spec.strategy, name).toEqual({ type: "Recreate" });
      expect(podSpec(deployment).securityContext, name).toMatchObject({ runAsNonRoot: true, runAsUser: 100 });
      expect(podSpec(deployment).containers[0].image, name).toBe(`${REGISTRY}/${image}`);
    }
    const prometheus = podSpec(named(DEPLOYMENT, "prometheus")).containers[0];
    expect(prometheus.readinessProbe.httpGet).toEqual({ path: "/-/ready", port: 9090 });
    expect(prometheus.args).toContain("--storage.tsdb.retention.time=2d");
    expect(named(CLAIM, "prometheus-data").spec.resources).toEqual({ requests: { storage: "2Gi" } });
    expect(named(CLAIM, "alertmanager-data").spec.resources).toEqual({ requests: { storage: "1Gi" } });
    expect(outputs.prometheusUrl).toMatch(/^http:\/\/.+:9090$/);
    expect(outputs.migrationPageUrl).toBe(`${outputs.prometheusUrl}/consoles/flask-vs-fastapi.html`);
  });

  it("mounts each of Prometheus's files alone, so that the image's console libraries stay visible", () => {
    const prometheus = podSpec(named(DEPLOYMENT, "prometheus")).containers[0];
    const mounted = prometheus.volumeMounts.map((mount: { mountPath: string; subPath?: string }) => [
      mount.mountPath,
      mount.subPath,
    ]);
    expect(mounted).toEqual([
      ["/etc/prometheus/prometheus.yml", "prometheus.yml"],
      ["/etc/prometheus/rules/migration.rules.yml", "migration.rules.yml"],
      ["/etc/prometheus/rules/alerts.rules.yml", "alerts.rules.yml"],
      ["/etc/prometheus/rules/published-weights.rules.yml", "published-weights.rules.yml"],
      ["/etc/prometheus/consoles/flask-vs-fastapi.html", "flask-vs-fastapi.html"],
      ["/prometheus", undefined],
    ]);
  });

  it("has Prometheus find every pod by DNS and read the weights from Traefik, with no access to the cluster's API", () => {
    const prometheusYml = recorded.find(
      (resource) => resource.type === "kubernetes:core/v1:ConfigMap" && resource.inputs.data["prometheus.yml"],
    )!.inputs.data["prometheus.yml"] as string;
    const jobs = (load(prometheusYml) as { scrape_configs: Record<string, unknown>[] }).scrape_configs;
    const dns = (name: string, port: number) => [{ names: [name], type: "A", port, refresh_interval: "5s" }];
    expect(jobs).toEqual([
      { job_name: "ingress", metrics_path: "/metrics", dns_sd_configs: dns("ingress-pods", 9100) },
      { job_name: "ingress-weights", metrics_path: "/migration/weights", dns_sd_configs: dns("ingress-pods", 9100) },
      { job_name: "fastapi", metrics_path: "/metrics", dns_sd_configs: dns("fastapi-pods", 8000) },
      { job_name: "flask", metrics_path: "/metrics", dns_sd_configs: dns("flask-pods", 5000) },
      { job_name: "postgres", metrics_path: "/metrics", static_configs: [{ targets: ["postgres-exporter:9187"] }] },
    ]);
    for (const [workload, port] of [
      ["ingress", 9100],
      ["fastapi", 8000],
      ["flask", 5000],
    ] as const) {
      expect(named(SERVICE, `${workload}-pods`).spec).toEqual({
        clusterIP: "None",
        publishNotReadyAddresses: true,
        selector: { "app.kubernetes.io/name": workload, "app.kubernetes.io/part-of": "migration" },
        ports: [{ name: "metrics", port, targetPort: port }],
      });
    }
    expect(recorded.filter((resource) => resource.type === ROLE).map((resource) => resource.name)).toEqual(["ingress"]);
  });

  it("keeps Alertmanager's configuration and the exporter's database URL in Secrets", () => {
    const alertmanager = podSpec(named(DEPLOYMENT, "alertmanager"));
    const configVolume = alertmanager.volumes.find((volume: { secret?: object }) => volume.secret);
    expect(configVolume.secret.secretName).toMatch(/^alertmanager-files-0/);
    expect(plainInputs(recorded)).not.toContain("postgresql://migration:mock");
    expect(secretValue<Record<string, string>>(named(SECRET, "postgres-exporter-env").stringData)).toEqual({
      DATA_SOURCE_NAME: `postgresql://migration:${MOCK_PASSWORD}@postgres:5432/migration?sslmode=disable`,
    });
  });

  it("runs the log collector on every node, reading the stack's pod logs only, as root with no capability", () => {
    const collector = named("kubernetes:apps/v1:DaemonSet", "log-collector");
    const pod = podSpec(collector);
    expect(pod.containers[0].image).toBe(`${REGISTRY}/migration/log-collector:v0.165.0`);
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.volumes.slice(-2)).toEqual([
      { name: "pod-logs", hostPath: { path: "/var/log/pods", type: "Directory" } },
      {
        name: "checkpoints",
        hostPath: { path: "/var/lib/migration-log-checkpoints/migration-dev", type: "DirectoryOrCreate" },
      },
    ]);
    const config = load(
      recorded.find(
        (resource) => resource.type === "kubernetes:core/v1:ConfigMap" && resource.inputs.data["config.yaml"],
      )!.inputs.data["config.yaml"],
    ) as Record<string, any>;
    expect(config.receivers.file_log.include).toEqual(["/var/log/pods/migration-dev_*/*/*.log"]);
    expect(config.exporters.otlp_http.endpoint).toBe("http://victorialogs:9428/insert/opentelemetry");
  });

  it("keeps the logs in VictoriaLogs on a claim a quarter larger than their disk limit", () => {
    const store = named(DEPLOYMENT, "victorialogs");
    expect(podSpec(store).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    // The dev stage's maxDiskUsage is 2GiB.
    expect(named(CLAIM, "victorialogs-data").spec.resources).toEqual({ requests: { storage: "2560Mi" } });
    expect(outputs.logsUrl).toMatch(/^http:\/\/.+:9428\/select\/vmui\/$/);
  });

  it("gives each route a Service per backend, so that Traefik's metrics tell the routes apart", () => {
    const routeServices = recorded
      .filter((resource) => resource.type === SERVICE && resource.name.startsWith("route-"))
      .map((resource) => [resource.name, resource.inputs.spec.selector["app.kubernetes.io/name"]]);
    expect(routeServices).toEqual([
      ["route-api-users-get-head-via-fastapi", "fastapi"],
      ["route-api-users-get-head-via-flask", "flask"],
      ["route-api-orders-post-put-patch-delete-via-fastapi", "fastapi"],
      ["route-api-orders-post-put-patch-delete-via-flask", "flask"],
      ["route-default-via-fastapi", "fastapi"],
      ["route-default-via-flask", "flask"],
    ]);
  });
});

describe("the prod stage", () => {
  it("deploys to Kubernetes as its file says, keeping the database's claim and namespace through a destroy", async () => {
    mocks.setStackOutputs("organization/migration/prod", {});
    const { outputs } = await runProgram(mocks, platformProgram, {
      project: "migration",
      stack: "prod",
      config: {
        ...stackFileConfig("Pulumi.prod.yaml"),
        "migration:kubernetes": JSON.stringify({ imageRegistry: REGISTRY }),
      },
    });
    expect(outputs.target).toBe("kubernetes");
    expect(named(NAMESPACE, "namespace").metadata.name).toBe("migration-prod");
    expect(mocks.optionsOf(CLAIM, "database-data").retainOnDelete).toBe(true);
    expect(mocks.optionsOf(NAMESPACE, "namespace").retainOnDelete).toBe(true);
    expect(named(DEPLOYMENT, "fastapi").spec.replicas).toBe(3);
    expect(named(SERVICE, "ingress").spec.type).toBe("LoadBalancer");
    for (const workload of ["prometheus", "alertmanager", "postgres-exporter", "victorialogs"])
      expect(named(DEPLOYMENT, workload).spec.replicas, workload).toBe(1);
    expect(named("kubernetes:apps/v1:DaemonSet", "log-collector")).toBeDefined();
  });
});

describe("a weight-only change on Kubernetes", () => {
  it("changes only Traefik's routing objects: no Deployment, StatefulSet or pod template", async () => {
    mocks.setStackOutputs(SELF, {});
    await run(clusterConfig());
    const before = new Map(mocks.resources.map((resource) => [`${resource.type}::${resource.name}`, resource.inputs]));
    mocks.setStackOutputs(SELF, { migrationMap: { defaultWeight: 10, routes: [] }, target: "kubernetes" });
    await run(clusterConfig({ defaultWeight: 50 }));
    const changed = mocks.resources
      .filter(
        (resource) =>
          JSON.stringify(resource.inputs) !== JSON.stringify(before.get(`${resource.type}::${resource.name}`)),
      )
      .map((resource) => resource.type);
    expect(changed.length).toBeGreaterThan(0);
    for (const type of changed) expect(type).toMatch(TRAEFIK_OBJECT);
  });
});

describe("the Gateway API flavour: routes attached to the cluster's own Gateway", () => {
  const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
  const gatewayConfig = (changes: Record<string, unknown> = {}) =>
    clusterConfig({
      sticky: false,
      failover: false,
      kubernetes: {
        imageRegistry: REGISTRY,
        gateway: { name: "shared", namespace: "gateways", listener: "http", url: "https://shop.example.com/" },
      },
      ...changes,
    });
  let recorded: RecordedResource[];
  let outputs: Record<string, unknown>;

  beforeAll(async () => {
    mocks.setStackOutputs(SELF, {});
    ({ outputs } = await run(gatewayConfig()));
    recorded = [...mocks.resources];
  });

  it("routes by an HTTPRoute per route to the apps' own Services, with no Service per route", () => {
    const routes = recorded.filter((resource) => resource.type === HTTP_ROUTE);
    expect(routes.map((resource) => resource.inputs.metadata.name).sort()).toEqual([
      "route-api-orders-post-put-patch-delete",
      "route-api-users-get-head",
      "route-default",
    ]);
    expect(named(HTTP_ROUTE, "httproute-route-api-users-get-head").spec.rules[0].backendRefs).toEqual([
      { kind: "Service", name: "fastapi", port: 8000, weight: 10 },
      { kind: "Service", name: "flask", port: 5000, weight: 90 },
    ]);
    expect(recorded.filter((resource) => resource.type === SERVICE && resource.name.startsWith("route-"))).toEqual([]);
  });

  it("reads the Gateway and the HTTPRoute definition before creating anything, so that a missing one stops the update", () => {
    expect(named("kubernetes:gateway.networking.k8s.io/v1:Gateway", "prerequisite-gateway")).toBeDefined();
    expect(mocks.optionsOf(NAMESPACE, "namespace").dependencies).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/::prerequisite-gateway$/),
        expect.stringMatching(/::prerequisite-httproutes\.gateway\.networking\.k8s\.io$/),
      ]),
    );
  });

  it("keeps the stack's Traefik inside the cluster, serving Prometheus the weights alone", () => {
    expect(named(SERVICE, "ingress").spec.type).toBe("ClusterIP");
    const traefikObjects = recorded.filter((resource) => TRAEFIK_OBJECT.test(resource.type));
    expect(traefikObjects.map((resource) => `${resource.inputs.kind}/${resource.inputs.metadata.name}`)).toEqual([
      "Middleware/published-weights",
      "IngressRoute/published-weights",
    ]);
  });

  it("gives clients the Gateway's URL, and reads the routes' figures from the apps' own series", () => {
    expect(outputs.ingressUrl).toBe("https://shop.example.com");
    const rules = recorded.find(
      (resource) => resource.type === "kubernetes:core/v1:ConfigMap" && resource.inputs.data["migration.rules.yml"],
    )!.inputs.data["migration.rules.yml"] as string;
    expect(rules).toContain("app_http_requests_total");
    expect(rules).not.toContain("traefik_");
  });

  it("changes only the HTTPRoutes and the published weights with a weight step", async () => {
    const before = new Map(recorded.map((resource) => [`${resource.type}::${resource.name}`, resource.inputs]));
    mocks.setStackOutputs(SELF, { migrationMap: { defaultWeight: 10, routes: [] }, target: "kubernetes" });
    await run(gatewayConfig({ defaultWeight: 50 }));
    const changed = mocks.resources
      .filter(
        (resource) =>
          JSON.stringify(resource.inputs) !== JSON.stringify(before.get(`${resource.type}::${resource.name}`)),
      )
      .map((resource) => `${resource.type} ${resource.name}`);
    expect(changed.sort()).toEqual([
      `${HTTP_ROUTE} httproute-route-default`,
      "kubernetes:traefik.io/v1alpha1:Middleware middleware-published-weights",
    ]);
  });
});

describe("Kubernetes settings refused before anything is registered", () => {
  it.each([
    [{ ingress: "nginx" }, /migration:ingress: got "nginx"; expected "traefik" on the kubernetes target/],
    [
      { monitoring: { enabled: true, image: "prom/prometheus:1", grafanaImage: "grafana/grafana-oss:11.6.0" } },
      /migration:monitoring.grafanaImage: got "grafana\/grafana-oss:11.6.0"; expected absent on the kubernetes target/,
    ],
    [
      { routes: [{ path: `/api/${"x".repeat(44)}`, weight: 0 }] },
      /migration:routes\[0\].path: .*route id, here api-x{44}, is at most 45 characters on the kubernetes target/,
    ],
    [
      { kubernetes: { ingressService: { type: "NodePort" } } },
      /migration:kubernetes.ingressService.address: .*required with ingressService.type NodePort/,
    ],
    [
      { kubernetes: { namespace: "Not_A_Name" } },
      /migration:kubernetes.namespace: got "Not_A_Name"; expected a Kubernetes namespace name/,
    ],
  ])("%j", async (changes, message) => {
    mocks.setStackOutputs(SELF, {});
    await expect(run(clusterConfig(changes))).rejects.toThrow(message);
    expect(mocks.resources).toEqual([]);
  });

  it("never shows the registry credentials it refuses", async () => {
    mocks.setStackOutputs(SELF, {});
    const refusal = await run(clusterConfig({ kubernetes: { imagePullSecret: "hunter2-token" } })).catch(
      (error: Error) => error,
    );
    expect(String(refusal)).toContain('migration:kubernetes.imagePullSecret: got "<redacted>"');
    expect(String(refusal)).not.toContain("hunter2");
  });
});

describe("a stack stays on its target", () => {
  it("refuses to move a stack deployed on Docker to Kubernetes, naming the key, before registering anything", async () => {
    mocks.setStackOutputs(SELF, { migrationMap: { defaultWeight: 10, routes: [] }, target: "docker" });
    await expect(run(clusterConfig())).rejects.toThrow(
      /migration:target: got "kubernetes"; expected "docker", the target this stack's resources run on: moving a live database between targets is a data migration/,
    );
    expect(mocks.resources.map((resource) => resource.type)).toEqual(["pulumi:pulumi:StackReference"]);
  });

  it("counts a stack deployed before the target was exported as a Docker one", async () => {
    mocks.setStackOutputs(SELF, { migrationMap: { defaultWeight: 10, routes: [] } });
    await expect(run(clusterConfig())).rejects.toThrow(/migration:target: got "kubernetes"; expected "docker"/);
  });

  it("refuses to move a deployed stack to another namespace, naming the key", async () => {
    mocks.setStackOutputs(SELF, {
      migrationMap: { defaultWeight: 10, routes: [] },
      target: "kubernetes",
      placement: "migration-dev",
    });
    await expect(run(clusterConfig({ kubernetes: { namespace: "elsewhere" } }))).rejects.toThrow(
      /migration:kubernetes.namespace: got "elsewhere"; expected "migration-dev", where this stack's resources run/,
    );
    expect(mocks.resources.map((resource) => resource.type)).toEqual(["pulumi:pulumi:StackReference"]);
  });

  it("exports where its resources run, so that the next update can compare", async () => {
    mocks.setStackOutputs(SELF, {});
    expect((await run(clusterConfig())).outputs.placement).toBe("migration-dev");
  });

  it("updates a stack deployed on Kubernetes", async () => {
    mocks.setStackOutputs(SELF, { migrationMap: { defaultWeight: 10, routes: [] }, target: "kubernetes" });
    await expect(run(clusterConfig())).resolves.toBeDefined();
  });
});

describe("registry credentials on Kubernetes", () => {
  const credentials = '{"auths":{"registry.example.com":{"auth":"dXNlcjpodW50ZXIy"}}}';

  it("keeps them in a secret pull Secret that every pod names, and tells the legacy stack its name", async () => {
    mocks.setStackOutputs(SELF, {});
    const { outputs, secretOutputNames } = await run(
      clusterConfig({ kubernetes: { imageRegistry: "registry.example.com/team", imagePullSecret: credentials } }),
    );
    const pull = mocks.named(SECRET, "image-pull-secret").inputs;
    expect(pull.type).toBe("kubernetes.io/dockerconfigjson");
    expect(secretValue(pull.stringData)).toEqual({ ".dockerconfigjson": credentials });
    expect(plainInputs(mocks.resources)).not.toContain("dXNlcjpodW50ZXIy");
    for (const name of ["fastapi", "ingress"])
      expect(podSpec(named(DEPLOYMENT, name)).imagePullSecrets).toEqual([{ name: "image-pull-secret-generated" }]);
    expect(podSpec(named(JOB, "schema-migration")).imagePullSecrets).toEqual([{ name: "image-pull-secret-generated" }]);
    expect(podSpec(named(STATEFUL_SET, "database")).imagePullSecrets).toEqual([
      { name: "image-pull-secret-generated" },
    ]);
    expect(outputs.kubernetesCluster).toEqual({
      namespace: "migration-dev",
      imageRegistry: "registry.example.com/team",
      imagePullSecret: "image-pull-secret-generated",
    });
    expect(secretOutputNames).toEqual(["databaseUrl"]);
  });
});
