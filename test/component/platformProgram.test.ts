import * as pulumi from "@pulumi/pulumi";
import { load } from "js-yaml";
import { inspect } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { renderAlertRules } from "../../infra/monitoring/alertRules";
import { renderAlertmanagerConfig } from "../../infra/monitoring/alertmanagerConfig";
import { renderMigrationDashboard } from "../../infra/monitoring/grafanaDashboard";
import { renderGrafanaDashboardProvider, renderGrafanaDatasources } from "../../infra/monitoring/grafanaProvisioning";
import { renderLogCollectorConfig } from "../../components/docker/logCollectorConfig";
import { logStoreFlags } from "../../infra/monitoring/logStoreFlags";
import { renderMigrationConsole } from "../../infra/monitoring/migrationConsole";
import { renderRecordingRules } from "../../infra/monitoring/recordingRules";
import { renderWeightRules } from "../../infra/monitoring/weightRules";
import { renderTraefikRouting } from "../../infra/render/traefik/dynamicConfig";
import { backendServers } from "../../components/docker/addressing";
import { buildRoutingPlan } from "../../infra/routing/plan";
import { snapshotOf } from "../../infra/routing/snapshot";
import { devPlatformConfig } from "../support/configs";
import {
  plainInputs,
  RecordingMocks,
  runProgram,
  secretValue,
  type ProgramRun,
  type RecordedResource,
} from "../support/recordingMocks";
import { stackFileConfig } from "../support/stackConfig";
import { dockerRouteFigures } from "../support/dockerRouteFigures";

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const VOLUME_FILE = "volumefile:index:VolumeFile";
const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
const SELF = "organization/migration/dev";
const MOCK_PASSWORD = "mock-password-0123456789abcdef";
const SENTRY_KEY = "0123456789abcdef0123456789abcdef";
const SENTRY_DSN = `https://${SENTRY_KEY}@o0.ingest.sentry.io/42`;

const mocks = new RecordingMocks();
let platformProgram: () => Promise<Record<string, unknown>>;

function devConfig(changes: Record<string, unknown> = {}): Record<string, string> {
  const config = stackFileConfig("Pulumi.dev.yaml");
  for (const [key, value] of Object.entries(changes))
    config[`migration:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  return config;
}

function deployedMap(map: unknown) {
  mocks.setStackOutputs(SELF, map === undefined ? {} : { migrationMap: map });
}

const run = (config: Record<string, string>) =>
  runProgram(mocks, platformProgram, { project: "migration", stack: "dev", config });

const container = (name: string) => mocks.named(CONTAINER, name).inputs;
const envOf = (resource: Record<string, any>) =>
  Object.fromEntries(secretValue<string[]>(resource.envs).map((entry) => entry.split(/=(.*)/s).slice(0, 2)));
const uploadsOf = (uploads: Array<{ file: string; content: string }>) =>
  Object.fromEntries(uploads.map((upload) => [upload.file, upload.content]));
/** The dev stage's monitoring with changes, e.g. a Grafana image. */
const devMonitoring = (changes: Record<string, unknown>) => ({
  ...JSON.parse(stackFileConfig("Pulumi.dev.yaml")["migration:monitoring"]),
  ...changes,
});

beforeAll(async () => {
  // Imported only now, after the test has a mock runtime to give it (ESM imports are hoisted above any setMocks).
  await pulumi.runtime.setMocks(mocks, "migration", "dev", false, "organization");
  ({ platformProgram } = await import("../../stacks/platform/program"));
});

describe("the dev platform on Docker", () => {
  let deployment: ProgramRun;
  let recorded: RecordedResource[];

  beforeAll(async () => {
    deployedMap(undefined);
    deployment = await run(devConfig());
    recorded = [...mocks.resources];
  });

  it("registers exactly the expected resources, each name once", () => {
    const pairs = recorded.map((resource) => `${resource.type}::${resource.name}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs.sort()).toEqual(
      [
        "pulumi:pulumi:StackReference::deployed-migration-map",
        "pulumi:providers:volumefile::volume-files",
        "pulumi:providers:docker::docker",
        "pulumi:providers:random::random",
        "migration:docker:MigrationNetwork::network",
        "docker:index/network:Network::network",
        "migration:docker:PostgresDatabase::database",
        "random:index/randomPassword:RandomPassword::database-password",
        `${VOLUME}::database-data`,
        `${CONTAINER}::database`,
        "migration:docker:OneShotContainer::schema-migration",
        `${CONTAINER}::schema-migration`,
        "migration:docker:AppService::fastapi",
        `${CONTAINER}::fastapi-0`,
        `${CONTAINER}::fastapi-1`,
        "migration:docker:Ingress::ingress",
        `${VOLUME}::ingress-routing`,
        `${VOLUME_FILE}::ingress-routing-file`,
        `${CONTAINER}::ingress`,
        "migration:docker:PrometheusServer::prometheus",
        `${VOLUME}::prometheus-data`,
        `${VOLUME}::prometheus-weights`,
        `${VOLUME_FILE}::prometheus-weights-file`,
        `${CONTAINER}::prometheus`,
        "migration:docker:AlertmanagerServer::alertmanager",
        `${VOLUME}::alertmanager-data`,
        `${CONTAINER}::alertmanager`,
        "migration:docker:PostgresExporter::postgres-exporter",
        `${CONTAINER}::postgres-exporter`,
        "migration:docker:LogStore::victorialogs",
        `${VOLUME}::victorialogs-data`,
        `${CONTAINER}::victorialogs`,
        "migration:docker:LogCollector::log-collector",
        `${VOLUME}::log-collector-index`,
        `${VOLUME}::log-collector-checkpoints`,
        `${CONTAINER}::log-collector-index`,
        `${CONTAINER}::log-collector`,
      ].sort(),
    );
  });

  it("writes both hot files through the explicit VolumeFile provider, one of the providers registered ahead of every other resource", () => {
    for (const [type, name] of [
      [VOLUME_FILE, "ingress-routing-file"],
      [VOLUME_FILE, "prometheus-weights-file"],
    ]) {
      expect(mocks.named(type, name).provider).toMatch(
        /^urn:pulumi:dev::migration::pulumi:providers:volumefile::volume-files::/,
      );
    }
    const registered = deployment.urns.filter((urn) => !urn.includes("pulumi:pulumi:"));
    expect(registered.slice(0, 3).sort()).toEqual([
      "urn:pulumi:dev::migration::pulumi:providers:docker::docker",
      "urn:pulumi:dev::migration::pulumi:providers:random::random",
      "urn:pulumi:dev::migration::pulumi:providers:volumefile::volume-files",
    ]);
  });

  it("parents every resource under its component", () => {
    const parentOf = (name: string, type: string) =>
      deployment.urns
        .find((urn) => urn.endsWith(`$${type}::${name}`) || urn.endsWith(`::${type}::${name}`))!
        .split("::")[2];
    expect(parentOf("database", CONTAINER)).toBe(`migration:docker:PostgresDatabase$${CONTAINER}`);
    expect(parentOf("database-password", "random:index/randomPassword:RandomPassword")).toBe(
      "migration:docker:PostgresDatabase$random:index/randomPassword:RandomPassword",
    );
    expect(parentOf("fastapi-1", CONTAINER)).toBe(`migration:docker:AppService$${CONTAINER}`);
    expect(parentOf("schema-migration", CONTAINER)).toBe(`migration:docker:OneShotContainer$${CONTAINER}`);
    expect(parentOf("ingress", CONTAINER)).toBe(`migration:docker:Ingress$${CONTAINER}`);
    expect(parentOf("ingress-routing-file", VOLUME_FILE)).toBe(`migration:docker:Ingress$${VOLUME_FILE}`);
    expect(parentOf("prometheus", CONTAINER)).toBe(`migration:docker:PrometheusServer$${CONTAINER}`);
    expect(parentOf("prometheus-weights-file", VOLUME_FILE)).toBe(`migration:docker:PrometheusServer$${VOLUME_FILE}`);
    expect(parentOf("alertmanager", CONTAINER)).toBe(`migration:docker:AlertmanagerServer$${CONTAINER}`);
    expect(parentOf("postgres-exporter", CONTAINER)).toBe(`migration:docker:PostgresExporter$${CONTAINER}`);
    expect(parentOf("victorialogs", CONTAINER)).toBe(`migration:docker:LogStore$${CONTAINER}`);
    expect(parentOf("log-collector-index", CONTAINER)).toBe(`migration:docker:LogCollector$${CONTAINER}`);
    expect(parentOf("log-collector", CONTAINER)).toBe(`migration:docker:LogCollector$${CONTAINER}`);
  });

  it("uses the explicitly created providers for every Docker and random resource", () => {
    const custom = recorded.filter((resource) => resource.custom && /^(docker|random):index/.test(resource.type));
    expect(custom.length).toBe(21);
    for (const resource of custom) {
      const pkg = resource.type.split(":")[0];
      expect(resource.provider, `${resource.type}::${resource.name}`).toMatch(
        new RegExp(`^urn:pulumi:dev::migration::pulumi:providers:${pkg}::${pkg}::`),
      );
    }
  });

  it("runs PostgreSQL on a named volume with a generated password, health-checked", () => {
    expect(mocks.named(VOLUME, "database-data").inputs).toEqual({ name: "migration-dev-pgdata" });
    expect(mocks.named("random:index/randomPassword:RandomPassword", "database-password").inputs).toMatchObject({
      length: 32,
      special: false,
    });
    const database = container("database");
    expect(database.image).toBe("migration/postgres:15-bookworm");
    expect(envOf(database)).toEqual({
      POSTGRES_USER: "migration",
      POSTGRES_DB: "migration",
      POSTGRES_PASSWORD: MOCK_PASSWORD,
    });
    expect(database.volumes).toEqual([
      { volumeName: "migration-dev-pgdata", containerPath: "/var/lib/postgresql/data" },
    ]);
    expect(database.networksAdvanced).toEqual([{ name: "network-generated", aliases: ["postgres"] }]);
    expect(database.healthcheck.tests).toEqual([
      "CMD",
      "pg_isready",
      "-h",
      "127.0.0.1",
      "-U",
      "migration",
      "-d",
      "migration",
    ]);
    expect(database).toMatchObject({ restart: "unless-stopped", wait: true });
    expect(database.ports).toBeUndefined();
  });

  it("runs FastAPI replicas with an asyncpg database URL, health checks and a restart policy", () => {
    for (const index of [0, 1]) {
      const fastapi = container(`fastapi-${index}`);
      expect(fastapi.image).toBe("migration/fastapi:0.2.0");
      expect(envOf(fastapi)).toEqual({
        DATABASE_URL: `postgresql+asyncpg://migration:${MOCK_PASSWORD}@postgres:5432/migration`,
        BACKEND_NAME: "fastapi",
        PORT: "8000",
      });
      expect(fastapi.networksAdvanced).toEqual([
        { name: "network-generated", aliases: [`fastapi-${index}`, "fastapi"] },
      ]);
      expect(fastapi.healthcheck.tests[0]).toBe("CMD");
      expect(fastapi.healthcheck.tests.join(" ")).toContain("http://127.0.0.1:8000/healthz");
      expect(fastapi).toMatchObject({ restart: "unless-stopped", wait: true });
    }
  });

  it("publishes the rendered Traefik routing into the watched volume, mounted writable in the ingress so that publishes write from inside it", () => {
    const config = devPlatformConfig();
    const routingFile = mocks.named(VOLUME_FILE, "ingress-routing-file").inputs;
    expect(routingFile).toMatchObject({
      volumeName: "migration-dev-routing",
      directory: "/etc/traefik/routing",
      fileName: "routing.yml",
      content: renderTraefikRouting(buildRoutingPlan(snapshotOf(config), config, backendServers(config))),
      image: "migration/traefik:v3.6.12",
    });
    const ingress = container("ingress");
    expect(ingress.volumes).toEqual([{ volumeName: "migration-dev-routing", containerPath: "/etc/traefik/routing" }]);
    expect(ingress.uploads.map((upload: { file: string }) => upload.file)).toEqual([
      "/etc/traefik/traefik.yml",
      "/plugins-local/src/migration.local/failoverretry/.traefik.yml",
      "/plugins-local/src/migration.local/failoverretry/failoverretry.go",
      "/plugins-local/src/migration.local/staticresponse/.traefik.yml",
      "/plugins-local/src/migration.local/staticresponse/staticresponse.go",
    ]);
    expect(ingress.entrypoints).toEqual(["traefik", "--configFile=/etc/traefik/traefik.yml"]);
    expect(ingress.ports).toEqual([{ internal: 80, external: 8080 }]);
    expect(ingress.networksAdvanced).toEqual([{ name: "network-generated", aliases: ["ingress"] }]);
  });

  it("has Prometheus scrape the ingress, every replica of both apps and the exporter, and alert through Alertmanager", () => {
    const prometheus = container("prometheus");
    expect(load(uploadsOf(prometheus.uploads)["/etc/prometheus/prometheus.yml"])).toEqual({
      global: { scrape_interval: "5s", evaluation_interval: "5s" },
      rule_files: ["/etc/prometheus/rules/*.rules.yml", "/etc/prometheus/weights/*.rules.yml"],
      alerting: { alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] },
      scrape_configs: [
        { job_name: "ingress", metrics_path: "/metrics", static_configs: [{ targets: ["ingress:9100"] }] },
        {
          job_name: "fastapi",
          metrics_path: "/metrics",
          static_configs: [{ targets: ["fastapi-0:8000", "fastapi-1:8000"] }],
        },
        // Flask's replicas belong to the legacy stack; they answer on the same network under these aliases.
        { job_name: "flask", metrics_path: "/metrics", static_configs: [{ targets: ["flask-0:5000"] }] },
        { job_name: "postgres", metrics_path: "/metrics", static_configs: [{ targets: ["postgres-exporter:9187"] }] },
      ],
    });
    expect(prometheus.command).toContain("--storage.tsdb.retention.time=2d");
    expect(prometheus.ports).toEqual([{ internal: 9090, external: 9090, ip: "127.0.0.1" }]);
    expect(prometheus.networksAdvanced).toEqual([{ name: "network-generated", aliases: ["prometheus"] }]);
  });

  it("uploads the recording and alert rules and the Flask vs FastAPI page into Prometheus, and keeps the weight rules on a volume it mounts writable (they are published from inside it)", () => {
    const config = devPlatformConfig();
    const plan = buildRoutingPlan(snapshotOf(config), config, backendServers(config));
    const prometheus = container("prometheus");
    expect(Object.keys(uploadsOf(prometheus.uploads))).toEqual([
      "/etc/prometheus/prometheus.yml",
      "/etc/prometheus/rules/migration.rules.yml",
      "/etc/prometheus/rules/alerts.rules.yml",
      "/etc/prometheus/consoles/flask-vs-fastapi.html",
    ]);
    expect(uploadsOf(prometheus.uploads)["/etc/prometheus/consoles/flask-vs-fastapi.html"]).toBe(
      renderMigrationConsole(plan.routes.map((route) => route.id)),
    );
    expect(deployment.outputs.migrationPageUrl).toBe("http://127.0.0.1:9090/consoles/flask-vs-fastapi.html");
    expect(uploadsOf(prometheus.uploads)["/etc/prometheus/rules/migration.rules.yml"]).toBe(
      renderRecordingRules(dockerRouteFigures("traefik"), plan.routes, "5m"),
    );
    expect(uploadsOf(prometheus.uploads)["/etc/prometheus/rules/alerts.rules.yml"]).toBe(
      renderAlertRules(config.gates),
    );
    expect(prometheus.volumes).toEqual([
      { volumeName: "prometheus-data-generated", containerPath: "/prometheus" },
      { volumeName: "prometheus-weights-generated", containerPath: "/etc/prometheus/weights" },
    ]);
    expect(mocks.named(VOLUME_FILE, "prometheus-weights-file").inputs).toMatchObject({
      volumeName: "prometheus-weights-generated",
      directory: "/etc/prometheus/weights",
      fileName: "weights.rules.yml",
      content: renderWeightRules(plan.routes),
      image: "migration/prometheus:2.42-bookworm",
      reload: { signal: "HUP" },
    });
  });

  it("writes the weight rules waiting for no workload (a weight change publishes at once), and starts Prometheus after them", () => {
    expect(mocks.optionsOf(VOLUME_FILE, "prometheus-weights-file").dependencies).toEqual([
      `urn:pulumi:dev::migration::migration:docker:PrometheusServer$${VOLUME}::prometheus-weights`,
    ]);
    expect(mocks.optionsOf("migration:docker:PrometheusServer", "prometheus").dependencies ?? []).toEqual([]);
    expect(mocks.optionsOf(CONTAINER, "prometheus").dependencies).toContain(
      `urn:pulumi:dev::migration::migration:docker:PrometheusServer$${VOLUME_FILE}::prometheus-weights-file`,
    );
  });

  it("starts Prometheus once what it scrapes and alerts to exists", () => {
    const dependencies = mocks.optionsOf(CONTAINER, "prometheus").dependencies;
    for (const [component, name] of [
      ["Ingress", "ingress"],
      ["AlertmanagerServer", "alertmanager"],
      ["PostgresExporter", "postgres-exporter"],
    ]) {
      expect(dependencies).toContain(`urn:pulumi:dev::migration::migration:docker:${component}$${CONTAINER}::${name}`);
    }
  });

  it("runs Alertmanager on the network only, its configuration uploaded as a secret", () => {
    const alertmanager = container("alertmanager");
    expect(alertmanager.image).toBe("migration/alertmanager:0.25-bookworm");
    expect(uploadsOf(secretValue(alertmanager.uploads))).toEqual({
      "/etc/alertmanager/alertmanager.yml": renderAlertmanagerConfig(undefined),
    });
    expect(alertmanager.command).toEqual([
      "--config.file=/etc/alertmanager/alertmanager.yml",
      "--storage.path=/alertmanager",
      "--web.listen-address=:9093",
      "--cluster.listen-address=",
    ]);
    expect(alertmanager.volumes).toEqual([
      { volumeName: "alertmanager-data-generated", containerPath: "/alertmanager" },
    ]);
    expect(alertmanager.networksAdvanced).toEqual([{ name: "network-generated", aliases: ["alertmanager"] }]);
    expect(alertmanager.healthcheck.tests).toEqual([
      "CMD",
      "amtool",
      "--alertmanager.url=http://127.0.0.1:9093",
      "cluster",
      "show",
    ]);
    expect(alertmanager.ports).toBeUndefined();
  });

  it("runs the PostgreSQL exporter on the network only, with the database URL as a secret", () => {
    const exporter = container("postgres-exporter");
    expect(exporter.image).toBe("migration/postgres-exporter:0.11-bookworm");
    expect(envOf(exporter)).toEqual({
      DATA_SOURCE_NAME: `postgresql://migration:${MOCK_PASSWORD}@postgres:5432/migration?sslmode=disable`,
    });
    expect(exporter.networksAdvanced).toEqual([{ name: "network-generated", aliases: ["postgres-exporter"] }]);
    expect(exporter.ports).toBeUndefined();
  });

  it("runs VictoriaLogs with the stage's retention and disk cap on its own volume, its UI on loopback only", () => {
    const store = container("victorialogs");
    expect(store.image).toBe("migration/victorialogs:v1.52.1");
    expect(store.command).toEqual(logStoreFlags({ retention: "2d", maxDiskUsage: "2GiB" }));
    expect(store.volumes).toEqual([
      { volumeName: "victorialogs-data-generated", containerPath: "/victoria-logs-data" },
    ]);
    expect(store.networksAdvanced).toEqual([{ name: "network-generated", aliases: ["victorialogs"] }]);
    expect(store.ports).toEqual([{ internal: 9428, external: 9428, ip: "127.0.0.1" }]);
    expect(store.healthcheck.tests).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9428/health"]);
    expect(store).toMatchObject({ restart: "unless-stopped", wait: true });
    expect(deployment.outputs.logsUrl).toBe("http://127.0.0.1:9428/select/vmui/");
  });

  it("gives the engine's socket to the container index alone, which links the network's logs by container name", () => {
    const index = container("log-collector-index");
    expect(index.image).toBe("migration/log-collector:v0.165.0");
    expect(index.entrypoints).toEqual(["/usr/local/bin/index-containers"]);
    expect(index.envs).toEqual(["NETWORK=network-generated", "INDEX_DIRECTORY=/var/log/platform-containers"]);
    expect(index.volumes).toEqual([
      { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true },
      { hostPath: "/var/lib/docker/containers", containerPath: "/var/lib/docker/containers", readOnly: true },
      { volumeName: "log-collector-index-generated", containerPath: "/var/log/platform-containers" },
    ]);
    expect(index.ports).toBeUndefined();
  });

  it("runs the collector on the index's links, sending to VictoriaLogs over OTLP, its checkpoints on a volume", () => {
    const collector = container("log-collector");
    expect(collector.image).toBe("migration/log-collector:v0.165.0");
    expect(uploadsOf(collector.uploads)).toEqual({
      "/etc/otelcol/config.yaml": renderLogCollectorConfig({
        otlpEndpoint: "http://victorialogs:9428/insert/opentelemetry",
      }),
    });
    expect(collector.volumes).toEqual([
      { hostPath: "/var/lib/docker/containers", containerPath: "/var/lib/docker/containers", readOnly: true },
      { volumeName: "log-collector-index-generated", containerPath: "/var/log/platform-containers", readOnly: true },
      { volumeName: "log-collector-checkpoints-generated", containerPath: "/var/lib/otelcol/checkpoints" },
    ]);
    expect(collector.ports).toBeUndefined();
  });

  it("starts the collector once VictoriaLogs is ready", () => {
    expect(mocks.optionsOf("migration:docker:LogCollector", "log-collector").dependencies).toContain(
      `urn:pulumi:dev::migration::migration:docker:LogStore$${CONTAINER}::victorialogs`,
    );
  });

  it("deploys no Grafana in the dev stage (no Grafana image can be built here)", () => {
    expect(recorded.filter((resource) => resource.name.startsWith("grafana"))).toEqual([]);
    expect(deployment.outputs.grafanaUrl).toBeUndefined();
  });

  it("exports the routing, what still reaches Flask, and Flask's deployment for the legacy stack", () => {
    expect(deployment.outputs.migrationMap).toEqual({
      defaultWeight: 10,
      routes: [
        { path: "/api/users", methods: ["GET", "HEAD"], weight: 10 },
        { path: "/api/orders", methods: ["POST", "PUT", "PATCH", "DELETE"], weight: 0 },
      ],
    });
    expect(deployment.outputs.flaskTraffic).toHaveLength(3);
    expect(deployment.outputs.flask).toEqual({
      mode: "managed",
      image: "migration/legacy-flask:0.2.0",
      port: 5000,
      replicas: 1,
    });
    expect(deployment.outputs.databaseUrl).toBe(`postgresql://migration:${MOCK_PASSWORD}@postgres:5432/migration`);
    expect(deployment.outputs.ingressUrl).toBe("http://localhost:8080");
  });
});

describe("data and ordering", () => {
  it("keeps the database volume on destroy in prod, and lets dev throw it away; nothing is protected", async () => {
    deployedMap(undefined);
    await run(devConfig());
    expect(mocks.optionsOf(VOLUME, "database-data")).toMatchObject({ retainOnDelete: false, protect: false });
    mocks.setStackOutputs("organization/migration/prod", {});
    // A prod stack first deployed on Docker, which keeps its target (the stage file now says kubernetes).
    await runProgram(mocks, platformProgram, {
      project: "migration",
      stack: "prod",
      config: { ...stackFileConfig("Pulumi.prod.yaml"), "migration:target": "docker" },
    });
    expect(mocks.optionsOf(VOLUME, "database-data")).toMatchObject({ retainOnDelete: true, protect: false });
    expect(mocks.named(VOLUME, "database-data").inputs).toEqual({ name: "migration-prod-pgdata" });
  });

  it("starts FastAPI only once the database container exists (its URL is derived from it)", async () => {
    deployedMap(undefined);
    await run(devConfig());
    expect(mocks.optionsOf(CONTAINER, "fastapi-0").dependencies).toContain(
      `urn:pulumi:dev::migration::migration:docker:PostgresDatabase$${CONTAINER}::database`,
    );
  });

  it("runs the Alembic migration with the FastAPI image before FastAPI starts", async () => {
    deployedMap(undefined);
    await run(devConfig());
    const job = container("schema-migration");
    expect(job).toMatchObject({
      image: "migration/fastapi:0.2.0",
      entrypoints: ["alembic", "upgrade", "head"],
      attach: true,
      mustRun: false,
    });
    expect(secretValue<string[]>(job.envs)).toEqual([
      `DATABASE_URL=postgresql+asyncpg://migration:${MOCK_PASSWORD}@postgres:5432/migration`,
    ]);
    expect(mocks.optionsOf(CONTAINER, "fastapi-0").dependencies).toContain(
      `urn:pulumi:dev::migration::migration:docker:OneShotContainer$${CONTAINER}::schema-migration`,
    );
  });

  it("writes the routing without waiting for any other resource (a rollback's write comes first)", async () => {
    deployedMap(undefined);
    await run(devConfig());
    expect(mocks.optionsOf(VOLUME_FILE, "ingress-routing-file").dependencies ?? []).toEqual([]);
  });

  it("starts the ingress only after the routing has been published", async () => {
    deployedMap(undefined);
    await run(devConfig());
    expect(mocks.optionsOf(CONTAINER, "ingress").dependencies).toContain(
      `urn:pulumi:dev::migration::migration:docker:Ingress$${VOLUME_FILE}::ingress-routing-file`,
    );
  });
});

describe("secrets", () => {
  it("passes every container environment that holds the password to the provider as a secret", async () => {
    deployedMap(undefined);
    await run(devConfig());
    for (const name of ["database", "fastapi-0", "fastapi-1", "postgres-exporter"])
      expect(() => secretValue(container(name).envs), name).not.toThrow();
    expect(() => secretValue(container("ingress").entrypoints)).toThrow();
  });

  it("exports the database URL for the legacy stack as a secret, and nothing else as one", async () => {
    deployedMap(undefined);
    expect((await run(devConfig())).secretOutputNames).toEqual(["databaseUrl"]);
  });
});

describe("a weight-only change", () => {
  it.each([
    ["the dev stage", {}],
    ["the dev stage with Grafana", { monitoring: devMonitoring({ grafanaImage: "grafana/grafana-oss:11.6.0" }) }],
    ["the dev stage with error tracking", { errorTracking: { sentryDsn: SENTRY_DSN } }],
  ])("changes nothing but the published routing and the weight rules (%s)", async (_stage, changes) => {
    deployedMap(undefined);
    await run(devConfig(changes));
    const before = new Map(mocks.resources.map((resource) => [`${resource.type}::${resource.name}`, resource.inputs]));
    deployedMap({ defaultWeight: 10, routes: [] });
    await run(devConfig({ ...changes, defaultWeight: 50 }));
    expect(mocks.resources.map((resource) => `${resource.type}::${resource.name}`).sort()).toEqual(
      [...before.keys()].sort(),
    );
    const changed = mocks.resources
      .filter(
        (resource) =>
          JSON.stringify(resource.inputs) !== JSON.stringify(before.get(`${resource.type}::${resource.name}`)),
      )
      .map((resource) => `${resource.type}::${resource.name}`);
    // Updates in place, never a replacement: the files' provider diffs without `replaces`.
    expect(changed.sort()).toEqual([`${VOLUME_FILE}::ingress-routing-file`, `${VOLUME_FILE}::prometheus-weights-file`]);
  });
});

describe("refusals happen before any resource is registered", () => {
  it("refuses invalid config", async () => {
    deployedMap(undefined);
    await expect(run(devConfig({ defaultWeight: 150, ingress: "haproxy" }))).rejects.toThrow(
      /Invalid stack configuration \(2 problems\); nothing was changed:\n {2}- migration:ingress: got "haproxy"; expected "traefik" or "nginx"\n {2}- migration:defaultWeight: got 150;/,
    );
    expect(mocks.resources).toEqual([]);
  });

  it("refuses with an error Pulumi formats at once: its message and no stack frame", async () => {
    deployedMap(undefined);
    const refusal = await run(devConfig({ defaultWeight: 150 })).catch((error: Error) => error);
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).stack).toBe(`Error: ${(refusal as Error).message}`);
    // What Pulumi's handler does with it before printing the message (see components/userError.ts).
    expect(inspect(refusal, { colors: true })).toContain("migration:defaultWeight: got 150");
  });

  it("refuses a step larger than maxStep compared with the deployed weights, reading only its own last outputs", async () => {
    deployedMap({ defaultWeight: 10, routes: [] });
    await expect(run(devConfig({ defaultWeight: 70 }))).rejects.toThrow(
      /migration:defaultWeight: got 70; expected at most 60: maxStep is 50 and 10 is deployed/,
    );
    expect(mocks.resources.map((resource) => resource.type)).toEqual(["pulumi:pulumi:StackReference"]);
    expect(mocks.resources[0].inputs.name).toBe(SELF);
  });

  it("allows a rollback of any size", async () => {
    deployedMap({ defaultWeight: 100, routes: [{ path: "/api/users", weight: 100 }] });
    await expect(run(devConfig({ defaultWeight: 0, routes: [] }))).resolves.toBeDefined();
  });
});

describe("the nginx flavour", () => {
  it("uploads nginx.conf, the Lua router and its resolver, publishes routing.json, and is scraped on the Lua metrics port", async () => {
    deployedMap(undefined);
    await run(devConfig({ ingress: "nginx", ingressImage: "migration/nginx-lua:1.22-bookworm" }));
    const ingress = container("ingress");
    expect(ingress.uploads.map((upload: { file: string }) => upload.file)).toEqual([
      "/etc/nginx/migration/nginx.conf",
      "/etc/nginx/migration/migration_router.lua",
      "/etc/nginx/migration/migration_resolver.lua",
    ]);
    expect(ingress.entrypoints).toEqual(["nginx", "-c", "/etc/nginx/migration/nginx.conf", "-g", "daemon off;"]);
    const routingFile = mocks.named(VOLUME_FILE, "ingress-routing-file").inputs;
    expect(routingFile.fileName).toBe("routing.json");
    expect(JSON.parse(routingFile.content).routes).toHaveLength(3);
    expect(uploadsOf(container("prometheus").uploads)["/etc/prometheus/prometheus.yml"]).toContain("ingress:9113");
  });
});

describe("monitoring switched off", () => {
  it("registers no monitoring resource, companions included", async () => {
    deployedMap(undefined);
    const run1 = await run(devConfig({ monitoring: devMonitoring({ enabled: false }) }));
    expect(
      mocks.resources.filter((resource) =>
        /^(prometheus|alertmanager|postgres-exporter|grafana|victorialogs|log-collector)/.test(resource.name),
      ),
    ).toEqual([]);
    expect(run1.outputs.prometheusUrl).toBeUndefined();
    expect(run1.outputs.migrationPageUrl).toBeUndefined();
    expect(run1.outputs.logsUrl).toBeUndefined();
  });
});

describe("monitoring without companions", () => {
  it("registers Prometheus alone, scraping no exporter and sending alerts nowhere", async () => {
    deployedMap(undefined);
    await run(
      devConfig({
        monitoring: devMonitoring({ alertmanagerImage: undefined, postgresExporterImage: undefined, logs: undefined }),
      }),
    );
    const monitoring = mocks.resources
      .filter((resource) =>
        /^(prometheus|alertmanager|postgres-exporter|grafana|victorialogs|log-collector)/.test(resource.name),
      )
      .map((resource) => `${resource.type}::${resource.name}`);
    expect(monitoring.sort()).toEqual(
      [
        "migration:docker:PrometheusServer::prometheus",
        `${VOLUME}::prometheus-data`,
        `${VOLUME}::prometheus-weights`,
        `${VOLUME_FILE}::prometheus-weights-file`,
        `${CONTAINER}::prometheus`,
      ].sort(),
    );
    const prometheusYml = load(uploadsOf(container("prometheus").uploads)["/etc/prometheus/prometheus.yml"]) as Record<
      string,
      any
    >;
    expect(prometheusYml.alerting).toBeUndefined();
    expect(prometheusYml.scrape_configs.map((job: { job_name: string }) => job.job_name)).toEqual([
      "ingress",
      "fastapi",
      "flask",
    ]);
  });
});

describe("the log pipeline switched off", () => {
  it("registers neither VictoriaLogs nor the collector, and gives Grafana Prometheus alone", async () => {
    deployedMap(undefined);
    const deployment = await run(
      devConfig({ monitoring: devMonitoring({ logs: undefined, grafanaImage: "grafana/grafana-oss:11.6.0" }) }),
    );
    expect(mocks.resources.filter((resource) => /^(victorialogs|log-collector)/.test(resource.name))).toEqual([]);
    expect(deployment.outputs.logsUrl).toBeUndefined();
    expect(uploadsOf(container("grafana").uploads)["/etc/grafana/provisioning/datasources/migration.yml"]).toBe(
      renderGrafanaDatasources({ prometheus: "http://prometheus:9090" }),
    );
  });
});

describe("the log pipeline with its own port, retention, disk cap and data root", () => {
  it("publishes VictoriaLogs on that loopback port, keeps logs that long and that small, reads that data root", async () => {
    deployedMap(undefined);
    const logs = {
      storeImage: "migration/victorialogs:v1.52.1",
      collectorImage: "migration/log-collector:v0.165.0",
      port: 19428,
      retention: "30d",
      maxDiskUsage: "50GiB",
      dockerDataRoot: "/srv/docker/",
    };
    const deployment = await run(devConfig({ monitoring: devMonitoring({ logs }) }));
    const store = container("victorialogs");
    expect(store.ports).toEqual([{ internal: 9428, external: 19428, ip: "127.0.0.1" }]);
    expect(store.command).toEqual(logStoreFlags({ retention: "30d", maxDiskUsage: "50GiB" }));
    expect(deployment.outputs.logsUrl).toBe("http://127.0.0.1:19428/select/vmui/");
    expect(container("log-collector").volumes[0]).toEqual({
      hostPath: "/srv/docker/containers",
      containerPath: "/srv/docker/containers",
      readOnly: true,
    });
  });
});

describe("the logs sent to the user's own backend", () => {
  it("deploys the collector alone, sending to that OTLP endpoint, and no store", async () => {
    deployedMap(undefined);
    const logs = { collectorImage: "migration/log-collector:v0.165.0", otlpEndpoint: "https://logs.example.com/otlp" };
    const deployment = await run(devConfig({ monitoring: devMonitoring({ logs }) }));
    expect(mocks.resources.filter((resource) => resource.name.startsWith("victorialogs"))).toEqual([]);
    expect(uploadsOf(container("log-collector").uploads)).toEqual({
      "/etc/otelcol/config.yaml": renderLogCollectorConfig({ otlpEndpoint: "https://logs.example.com/otlp" }),
    });
    expect(deployment.outputs.logsUrl).toBeUndefined();
  });
});

describe("an alert receiver", () => {
  it("reaches Alertmanager's configuration, which stays secret", async () => {
    deployedMap(undefined);
    const receiver = { webhookUrl: "https://hooks.example.com/services/T0/B0/token" };
    await run(devConfig({ monitoring: devMonitoring({ alertReceiver: receiver }) }));
    expect(uploadsOf(secretValue(container("alertmanager").uploads))["/etc/alertmanager/alertmanager.yml"]).toBe(
      renderAlertmanagerConfig(receiver),
    );
  });
});

describe("error tracking", () => {
  /** Resources given any SENTRY_* variable, secret or not. */
  const reporting = () =>
    mocks.resources
      .filter((resource) => JSON.stringify(resource.inputs).includes("SENTRY_"))
      .map((resource) => resource.name);

  it("when not configured, gives no container a SENTRY_* variable and exports nothing about it", async () => {
    deployedMap(undefined);
    const { outputs } = await run(devConfig());
    expect(reporting()).toEqual([]);
    expect(outputs).not.toHaveProperty("errorTracking");
  });

  it("gives every FastAPI replica the DSN, the stack's name as environment and the image tag as release", async () => {
    deployedMap(undefined);
    await run(devConfig({ errorTracking: { sentryDsn: SENTRY_DSN } }));
    for (const name of ["fastapi-0", "fastapi-1"]) {
      expect(envOf(container(name))).toEqual({
        DATABASE_URL: `postgresql+asyncpg://migration:${MOCK_PASSWORD}@postgres:5432/migration`,
        BACKEND_NAME: "fastapi",
        SENTRY_DSN,
        SENTRY_ENVIRONMENT: "dev",
        SENTRY_RELEASE: "fastapi@0.2.0",
        PORT: "8000",
      });
    }
    // Only the app reports errors: not the migration job, the database or the monitoring.
    expect(reporting().sort()).toEqual(["fastapi-0", "fastapi-1"]);
  });

  it("keeps the DSN secret: in no input in plain text, and exported for Flask only as a secret", async () => {
    deployedMap(undefined);
    const deployment = await run(devConfig({ errorTracking: { sentryDsn: SENTRY_DSN, environment: "staging" } }));
    expect(plainInputs(mocks.resources)).not.toContain(SENTRY_KEY);
    expect(deployment.outputs.errorTracking).toEqual({ sentryDsn: SENTRY_DSN, environment: "staging" });
    expect(deployment.secretOutputNames.sort()).toEqual(["databaseUrl", "errorTracking"]);
    expect(envOf(container("fastapi-0")).SENTRY_ENVIRONMENT).toBe("staging");
  });
});

describe("Grafana, when an image is configured", () => {
  let deployment: ProgramRun;

  beforeAll(async () => {
    deployedMap(undefined);
    deployment = await run(
      devConfig({ monitoring: devMonitoring({ grafanaImage: "grafana/grafana-oss:11.6.0", grafanaPort: 3300 }) }),
    );
  });

  it("adds exactly Grafana and its generated admin password", () => {
    const grafana = mocks.resources
      .filter((resource) => resource.name.startsWith("grafana"))
      .map((resource) => `${resource.type}::${resource.name}`);
    expect(grafana.sort()).toEqual(
      [
        "migration:docker:GrafanaServer::grafana",
        `${RANDOM_PASSWORD}::grafana-admin-password`,
        `${CONTAINER}::grafana`,
      ].sort(),
    );
    expect(mocks.named(RANDOM_PASSWORD, "grafana-admin-password").inputs).toMatchObject({ length: 32, special: false });
    expect(mocks.named(RANDOM_PASSWORD, "grafana-admin-password").provider).toMatch(
      /^urn:pulumi:dev::migration::pulumi:providers:random::random::/,
    );
  });

  it("provisions the Prometheus and VictoriaLogs data sources, the dashboard provider and the Flask vs FastAPI dashboard", () => {
    const config = devPlatformConfig();
    const routeIds = buildRoutingPlan(snapshotOf(config), config, backendServers(config)).routes.map(
      (route) => route.id,
    );
    const grafana = container("grafana");
    expect(grafana.image).toBe("grafana/grafana-oss:11.6.0");
    expect(uploadsOf(grafana.uploads)).toEqual({
      "/etc/grafana/provisioning/datasources/migration.yml": renderGrafanaDatasources({
        prometheus: "http://prometheus:9090",
        logs: "http://victorialogs:9428",
      }),
      "/etc/grafana/provisioning/dashboards/migration.yml": renderGrafanaDashboardProvider("/etc/grafana/dashboards"),
      "/etc/grafana/dashboards/flask-vs-fastapi.json": renderMigrationDashboard(routeIds),
    });
    expect(grafana.networksAdvanced).toEqual([{ name: "network-generated", aliases: ["grafana"] }]);
  });

  it("passes the admin password as a secret, and serves the UI on loopback only", () => {
    const grafana = container("grafana");
    expect(envOf(grafana)).toEqual({
      GF_SERVER_HTTP_PORT: "3000",
      GF_PATHS_PROVISIONING: "/etc/grafana/provisioning",
      GF_SECURITY_ADMIN_USER: "admin",
      GF_SECURITY_ADMIN_PASSWORD: MOCK_PASSWORD,
    });
    expect(grafana.ports).toEqual([{ internal: 3000, external: 3300, ip: "127.0.0.1" }]);
  });

  it("starts after Prometheus and VictoriaLogs, its data sources", () => {
    // Ordered through the component: its children are registered only once it is, after what it depends on.
    const dependencies = mocks.optionsOf("migration:docker:GrafanaServer", "grafana").dependencies;
    expect(dependencies).toContain(
      `urn:pulumi:dev::migration::migration:docker:PrometheusServer$${CONTAINER}::prometheus`,
    );
    expect(dependencies).toContain(`urn:pulumi:dev::migration::migration:docker:LogStore$${CONTAINER}::victorialogs`);
  });

  it("exports the Grafana URL in plain text and its admin password only as a secret", () => {
    expect(deployment.outputs.grafanaUrl).toBe("http://127.0.0.1:3300");
    expect(deployment.outputs.grafanaAdminPassword).toBe(MOCK_PASSWORD);
    expect(deployment.secretOutputNames.sort()).toEqual(["databaseUrl", "grafanaAdminPassword"]);
  });
});
