import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { formatIssue, formatIssues, type ConfigIssue } from "../../infra/config/issues";
import { platformConfigSchema } from "../../infra/config/schema";
import { validatePlatformConfig } from "../../infra/config/validate";
import { REPO_ROOT, stackFileValues } from "../support/stackConfig";

const NAMESPACE = "migration";

function devConfig(): Record<string, any> {
  return structuredClone(stackFileValues("Pulumi.dev.yaml", NAMESPACE));
}

function issuesOf(raw: Record<string, unknown>): ConfigIssue[] {
  const result = validatePlatformConfig(raw, NAMESPACE);
  if (result.ok) throw new Error("expected the config to be refused");
  return result.issues;
}

/** Exactly one problem, reported as "key: got value; expected ...". */
function onlyMessage(raw: Record<string, unknown>): string {
  const issues = issuesOf(raw);
  expect(issues).toHaveLength(1);
  return formatIssue(issues[0]);
}

describe("the shipped stack files", () => {
  it.each(["Pulumi.dev.yaml", "Pulumi.prod.yaml"])("%s validates", (file) => {
    const result = validatePlatformConfig(stackFileValues(file, NAMESPACE), NAMESPACE);
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([]);
  });

  it("dev starts at 10% and prod at 5% with a smaller max step", () => {
    const dev = stackFileValues("Pulumi.dev.yaml", NAMESPACE);
    const prod = stackFileValues("Pulumi.prod.yaml", NAMESPACE);
    expect([dev.defaultWeight, prod.defaultWeight]).toEqual([10, 5]);
    expect(prod.maxStep as number).toBeLessThan(dev.maxStep as number);
  });

  it("Pulumi.yaml declares defaults equal to the schema's, for keys the schema knows", () => {
    const project = load(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
      config: Record<string, { default?: unknown }>;
    };
    const shape = platformConfigSchema.shape as Record<
      string,
      { safeParse(value: unknown): { success: boolean; data?: unknown } }
    >;
    for (const [key, declaration] of Object.entries(project.config)) {
      expect(shape, `Pulumi.yaml declares unknown key ${key}`).toHaveProperty(key);
      if ("default" in declaration) expect(shape[key].safeParse(undefined).data, key).toEqual(declaration.default);
    }
  });
});

describe("weights", () => {
  it.each([
    [150, "150"],
    [-1, "-1"],
    [10.5, "10.5"],
    ["ten", '"ten"'],
  ])("refuses defaultWeight %s", (value, shown) => {
    expect(onlyMessage({ ...devConfig(), defaultWeight: value })).toBe(
      `migration:defaultWeight: got ${shown}; expected an integer from 0 to 100 (percent of traffic sent to FastAPI)`,
    );
  });

  it("refuses a route weight outside 0..100 and names the route's index", () => {
    const config = devConfig();
    config.routes[1].weight = 101;
    expect(onlyMessage(config)).toBe(
      "migration:routes[1].weight: got 101; expected an integer from 0 to 100 (percent of traffic sent to FastAPI)",
    );
  });
});

describe("target and ingress", () => {
  it("refuses an unknown ingress", () => {
    expect(onlyMessage({ ...devConfig(), ingress: "haproxy" })).toBe(
      'migration:ingress: got "haproxy"; expected "traefik" or "nginx"',
    );
  });

  it("refuses an unknown target", () => {
    expect(onlyMessage({ ...devConfig(), target: "nomad" })).toBe(
      'migration:target: got "nomad"; expected "docker" or "kubernetes"',
    );
  });

  it("keeps Flask as the backup for two weeks in prod and none in dev, and refuses a window it cannot read", () => {
    expect(stackFileValues("Pulumi.prod.yaml", NAMESPACE).backupWindow).toBe("14d");
    expect(stackFileValues("Pulumi.dev.yaml", NAMESPACE).backupWindow).toBe("0s");
    expect(onlyMessage({ ...devConfig(), backupWindow: "2 weeks" })).toBe(
      'migration:backupWindow: got "2 weeks"; expected a duration in s, m, h or d, such as "14d", or "0s" for no backup window',
    );
  });

  it("accepts the kubernetes target, every key of its block defaulted", () => {
    const result = validatePlatformConfig(
      { ...devConfig(), target: "kubernetes", monitoring: { enabled: false } },
      NAMESPACE,
    );
    expect(result.ok && result.value.kubernetes).toBeUndefined();
    const withBlock = validatePlatformConfig(
      { ...devConfig(), target: "kubernetes", monitoring: { enabled: false }, kubernetes: {} },
      NAMESPACE,
    );
    expect(withBlock.ok && withBlock.value.kubernetes).toEqual({
      databaseStorage: "10Gi",
      monitoringStorage: "10Gi",
      podLogsDirectory: "/var/log/pods",
      ingressService: { type: "LoadBalancer" },
    });
  });

  it.each([
    [{ storageClass: "Fast SSD" }, "migration:kubernetes.storageClass", "a Kubernetes object name"],
    [{ databaseStorage: "10GB" }, "migration:kubernetes.databaseStorage", 'a size in Mi, Gi or Ti, such as "10Gi"'],
    [{ imageRegistry: "https://registry.example.com" }, "migration:kubernetes.imageRegistry", "without a scheme"],
    [
      { ingressService: { type: "Ingress" } },
      "migration:kubernetes.ingressService.type",
      '"NodePort" or "LoadBalancer" or "ClusterIP"',
    ],
    [
      { ingressService: { nodePort: 8080 } },
      "migration:kubernetes.ingressService.nodePort",
      "an integer from 30000 to 32767",
    ],
    [
      { ingressService: { type: "ClusterIP", nodePort: 30080 } },
      "migration:kubernetes.ingressService.nodePort",
      "no nodePort with ingressService.type ClusterIP",
    ],
    [{ imagePullSecret: "{}" }, "migration:kubernetes.imagePullSecret", "a registry credentials document"],
    [{ namespaces: "x" }, "migration:kubernetes.namespaces", "no such key: known keys here are namespace, kubeconfig"],
  ])("refuses the kubernetes block %j, naming the key", (block, key, expected) => {
    const message = onlyMessage({
      ...devConfig(),
      target: "kubernetes",
      monitoring: { enabled: false },
      kubernetes: block,
    });
    expect(message.startsWith(`${key}: got `)).toBe(true);
    expect(message).toContain(expected);
  });
});

describe("the Gateway API flavour (kubernetes.gateway)", () => {
  const GATEWAY = { name: "shared", namespace: "gateways", listener: "http", url: "https://shop.example.com" };
  /** The dev stage on Kubernetes behind a Gateway, with what the flavour cannot do turned off. */
  function gatewayConfig(overrides: Record<string, unknown> = {}): Record<string, any> {
    return {
      ...devConfig(),
      target: "kubernetes",
      monitoring: { enabled: false },
      sticky: false,
      failover: false,
      kubernetes: { gateway: GATEWAY },
      ...overrides,
    };
  }

  it("accepts a Gateway's name, namespace, listener and the URL clients reach it at", () => {
    const result = validatePlatformConfig(gatewayConfig(), NAMESPACE);
    expect(result.ok ? result.value.kubernetes?.gateway : result.issues.map(formatIssue)).toEqual(GATEWAY);
  });

  it("refuses sticky sessions and failover, each naming the key and what the flavour cannot do", () => {
    const messages = issuesOf(gatewayConfig({ sticky: true, failover: true })).map(formatIssue);
    expect(messages).toEqual([
      "migration:sticky: got true; expected false with kubernetes.gateway: session persistence is still experimental in the Gateway API, so an HTTPRoute cannot keep a client on one backend (the stack's own Traefik, without kubernetes.gateway, can)",
      "migration:failover: got true; expected false with kubernetes.gateway: an HTTPRoute can neither send a failed request again to the other backend nor fall back to it when one has no ready pod (the stack's own Traefik, without kubernetes.gateway, can)",
    ]);
  });

  it.each([
    [{ ...GATEWAY, url: "shop.example.com" }, "migration:kubernetes.gateway.url", "the http:// or https:// URL"],
    [{ ...GATEWAY, url: "https://shop.example.com/api" }, "migration:kubernetes.gateway.url", "without a path"],
    [{ ...GATEWAY, namespace: "Gateways" }, "migration:kubernetes.gateway.namespace", "a Kubernetes namespace name"],
    [{ ...GATEWAY, listener: "HTTP 1" }, "migration:kubernetes.gateway.listener", "a listener name of the Gateway"],
    [{ name: "shared", url: GATEWAY.url }, "migration:kubernetes.gateway.namespace", "a Kubernetes namespace name"],
    [{ ...GATEWAY, port: 80 }, "migration:kubernetes.gateway.port", "no such key"],
  ])("refuses the gateway %j, naming the key", (gateway, key, expected) => {
    const message = onlyMessage(gatewayConfig({ kubernetes: { gateway } }));
    expect(message.startsWith(`${key}: got `)).toBe(true);
    expect(message).toContain(expected);
  });

  it("refuses a node port or address for the stack's Service, which clients do not reach behind a Gateway", () => {
    const ingressService = { type: "NodePort", nodePort: 30080, address: "10.0.0.1" };
    const expected =
      "expected absent with kubernetes.gateway: clients reach the Gateway (kubernetes.gateway.url), not a Service of the stack";
    expect(issuesOf(gatewayConfig({ kubernetes: { gateway: GATEWAY, ingressService } })).map(formatIssue)).toEqual([
      `migration:kubernetes.ingressService.nodePort: got 30080; ${expected}`,
      `migration:kubernetes.ingressService.address: got "10.0.0.1"; ${expected}`,
    ]);
  });

  it("refuses a path the HTTPRoute's own validation would refuse", () => {
    expect(onlyMessage(gatewayConfig({ routes: [{ path: "/api/./users", weight: 10 }] }))).toBe(
      'migration:routes[0].path: got "/api/./users"; expected a path the Gateway API accepts as a prefix: no "." or ".." segment',
    );
  });

  it("refuses a map whose order the Gateway's longest-prefix precedence would not keep, and accepts the longer path first", () => {
    const routes = [
      { path: "/api", methods: ["GET"], weight: 10 },
      { path: "/api/users", methods: ["GET", "POST"], weight: 0 },
    ];
    expect(onlyMessage(gatewayConfig({ routes }))).toBe(
      'migration:routes[1].path: got "/api/users"; expected a route the Gateway matches in the map\'s order: the Gateway API prefers the longest path prefix, so /api/users (GET, POST) would take the requests it shares with routes[0] /api (GET), which comes first; put the longer path first',
    );
    expect(validatePlatformConfig(gatewayConfig({ routes: [routes[1], routes[0]] }), NAMESPACE).ok).toBe(true);
  });
});

describe("routes", () => {
  it("refuses a path that does not start with /", () => {
    const config = devConfig();
    config.routes[0].path = "api/users";
    expect(onlyMessage(config)).toBe(
      'migration:routes[0].path: got "api/users"; expected a path prefix starting with "/" made of letters, digits and . _ ~ % / -',
    );
  });

  it("refuses characters that could break out of a Traefik rule", () => {
    const config = devConfig();
    config.routes[0].path = "/api`) || PathPrefix(`/";
    expect(onlyMessage(config)).toMatch(
      /^migration:routes\[0\]\.path: got .*; expected a path prefix starting with "\/"/,
    );
  });

  it("refuses a duplicated route", () => {
    const config = devConfig();
    config.routes.push({ path: "/api/users", methods: ["GET"], weight: 50 });
    expect(onlyMessage(config)).toBe(
      'migration:routes[2].path: got "/api/users"; expected a path and methods not already routed by routes[0] /api/users (GET, HEAD)',
    );
  });

  it("refuses a route shadowed by an earlier broader prefix", () => {
    const config = devConfig();
    config.routes = [
      { path: "/api", weight: 10 },
      { path: "/api/users", methods: ["GET"], weight: 100 },
    ];
    expect(onlyMessage(config)).toBe(
      'migration:routes[1].path: got "/api/users"; expected a route that can receive traffic: routes[0] /api (all methods) comes first and takes every request of /api/users (GET); put the narrower route first',
    );
  });

  it("accepts a broader prefix that only takes some of a later route's methods", () => {
    const config = devConfig();
    config.routes = [
      { path: "/api", methods: ["GET"], weight: 10 },
      { path: "/api/users", methods: ["GET", "POST"], weight: 0 },
    ];
    expect(validatePlatformConfig(config, NAMESPACE).ok).toBe(true);
  });

  it("refuses methods that are not HTTP methods", () => {
    const config = devConfig();
    config.routes[0].methods = ["GET", "FETCH"];
    expect(onlyMessage(config)).toBe(
      'migration:routes[0].methods[1]: got "FETCH"; expected an HTTP method: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    );
  });

  it("refuses an empty methods list", () => {
    const config = devConfig();
    config.routes[0].methods = [];
    expect(onlyMessage(config)).toBe(
      "migration:routes[0].methods: got []; expected a non-empty list of HTTP methods, or no `methods` key for all methods",
    );
  });
});

describe("schedule and maxStep", () => {
  it("refuses a schedule that does not increase", () => {
    expect(onlyMessage({ ...devConfig(), schedule: [10, 50, 50, 100] })).toBe(
      "migration:schedule[2]: got 50; expected a weight greater than the step before it (50): the schedule must increase",
    );
  });

  it("refuses a schedule that does not end at 100", () => {
    expect(onlyMessage({ ...devConfig(), schedule: [10, 50, 90] })).toBe(
      "migration:schedule[2]: got 90; expected 100 as the last step: a schedule ends with every request on FastAPI",
    );
  });

  it("refuses a schedule step larger than maxStep", () => {
    expect(onlyMessage({ ...devConfig(), schedule: [10, 100], maxStep: 50 })).toBe(
      "migration:schedule[1]: got 100; expected at most 60: a schedule step may not exceed maxStep (50) over the step before it (10)",
    );
  });

  it("refuses a maxStep of 0", () => {
    expect(onlyMessage({ ...devConfig(), maxStep: 0 })).toBe(
      "migration:maxStep: got 0; expected an integer from 1 to 100",
    );
  });
});

describe("images", () => {
  it("refuses an image without a tag", () => {
    const config = devConfig();
    config.fastapi.image = "registry.local:5000/team/fastapi";
    expect(onlyMessage(config)).toBe(
      'migration:fastapi.image: got "registry.local:5000/team/fastapi"; expected an image reference with an explicit tag or digest, e.g. "registry/app:1.4.2"',
    );
  });

  it("accepts a digest instead of a tag", () => {
    const config = devConfig();
    config.fastapi.image = `team/fastapi@sha256:${"a".repeat(64)}`;
    expect(validatePlatformConfig(config, NAMESPACE).ok).toBe(true);
  });

  it("refuses :latest in production", () => {
    const config: Record<string, any> = { ...devConfig(), environment: "production" };
    config.flask.image = "migration/legacy-flask:latest";
    expect(onlyMessage(config)).toBe(
      'migration:flask.image: got "migration/legacy-flask:latest"; expected a pinned tag or digest: ":latest" is not allowed when environment is "production"',
    );
  });

  it("accepts :latest in development", () => {
    const config = devConfig();
    config.flask.image = "migration/legacy-flask:latest";
    expect(validatePlatformConfig(config, NAMESPACE).ok).toBe(true);
  });

  it("requires a Prometheus image while monitoring is enabled", () => {
    const config = devConfig();
    delete config.monitoring.image;
    expect(onlyMessage(config)).toBe(
      "migration:monitoring.image: got nothing (the key is not set); expected a Prometheus image reference with an explicit tag (required while monitoring.enabled is true)",
    );
  });
});

describe("monitoring", () => {
  it("sends alerts nowhere unless a receiver is configured", () => {
    const result = validatePlatformConfig(devConfig(), NAMESPACE);
    expect(result.ok && result.value.monitoring.alertReceiver).toBeUndefined();
  });

  it("accepts a webhook receiver", () => {
    const config = devConfig();
    config.monitoring.alertReceiver = { webhookUrl: "https://hooks.example.com/services/T0/B0" };
    const result = validatePlatformConfig(config, NAMESPACE);
    expect(result.ok && result.value.monitoring.alertReceiver).toEqual({
      webhookUrl: "https://hooks.example.com/services/T0/B0",
    });
  });

  it("refuses a webhook that is not an http(s) URL", () => {
    const config = devConfig();
    config.monitoring.alertReceiver = { webhookUrl: "hooks.example.com" };
    expect(onlyMessage(config)).toBe(
      'migration:monitoring.alertReceiver.webhookUrl: got "hooks.example.com"; expected an http:// or https:// URL that receives Alertmanager webhooks, e.g. "http://alerts.internal:9000/hook"',
    );
  });

  it("refuses a receiver without an Alertmanager to send to it", () => {
    const config = devConfig();
    config.monitoring.alertReceiver = { webhookUrl: "https://hooks.example.com/services/T0/B0" };
    delete config.monitoring.alertmanagerImage;
    expect(onlyMessage(config)).toBe(
      "migration:monitoring.alertmanagerImage: got nothing (the key is not set); expected an Alertmanager image reference with an explicit tag (required while monitoring.alertReceiver is set: Alertmanager is what sends the alerts)",
    );
  });

  it("deploys the companions the stages name, and no Grafana unless an image is given (port 3000 by default)", () => {
    for (const file of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
      const result = validatePlatformConfig(stackFileValues(file, NAMESPACE), NAMESPACE);
      expect(result.ok && result.value.monitoring, file).toMatchObject({
        alertmanagerImage: "migration/alertmanager:0.25-bookworm",
        postgresExporterImage: "migration/postgres-exporter:0.11-bookworm",
        grafanaPort: 3000,
      });
      expect(result.ok && result.value.monitoring, file).not.toHaveProperty("grafanaImage");
    }
  });

  it.each(["alertmanagerImage", "postgresExporterImage", "grafanaImage"])("refuses a %s without a tag", (key) => {
    const config = devConfig();
    config.monitoring[key] = "grafana/grafana";
    expect(onlyMessage(config)).toBe(
      `migration:monitoring.${key}: got "grafana/grafana"; expected an image reference with an explicit tag or digest, e.g. "registry/app:1.4.2"`,
    );
  });

  it("refuses a floating companion image in production", () => {
    const config = structuredClone(stackFileValues("Pulumi.prod.yaml", NAMESPACE)) as Record<string, any>;
    config.monitoring.alertmanagerImage = "migration/alertmanager:latest";
    expect(onlyMessage(config)).toBe(
      'migration:monitoring.alertmanagerImage: got "migration/alertmanager:latest"; expected a pinned tag or digest: ":latest" is not allowed when environment is "production"',
    );
  });

  it("refuses a Grafana port another container already binds on the host", () => {
    const config = devConfig();
    config.monitoring.grafanaImage = "grafana/grafana-oss:11.6.0";
    config.monitoring.grafanaPort = 9090;
    expect(onlyMessage(config)).toBe(
      "migration:monitoring.grafanaPort: got 9090; expected a host port that monitoring.port does not already bind (one host port serves one container)",
    );
  });

  it("refuses a Prometheus port equal to the ingress port", () => {
    const config = devConfig();
    config.monitoring.port = 8080;
    expect(onlyMessage(config)).toBe(
      "migration:monitoring.port: got 8080; expected a host port that ingressPort does not already bind (one host port serves one container)",
    );
  });

  it("ignores the Grafana port while no Grafana is deployed", () => {
    const config = devConfig();
    config.monitoring.grafanaPort = 9090;
    expect(validatePlatformConfig(config, NAMESPACE).ok).toBe(true);
  });
});

describe("error tracking", () => {
  const KEY = "0123456789abcdef0123456789abcdef";
  const EXPECTED_DSN =
    'expected a Sentry DSN, http(s)://<public key>@<host>[:port]/<project id>, e.g. "https://<public key>@o0.ingest.sentry.io/42"';
  const withDsn = (sentryDsn: unknown) => ({ ...devConfig(), errorTracking: { sentryDsn } });

  it("is off in the shipped stages", () => {
    for (const file of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
      const result = validatePlatformConfig(stackFileValues(file, NAMESPACE), NAMESPACE);
      expect(result.ok && result.value.errorTracking, file).toBeUndefined();
    }
  });

  it.each([
    `https://${KEY}@o0.ingest.sentry.io/42`,
    `http://${KEY}@127.0.0.1:9000/42`,
    `https://${KEY}:legacysecret@sentry.internal/sentry/7`,
    `https://${KEY}@[::1]:9000/42`,
  ])("accepts the DSN %s", (dsn) => {
    const result = validatePlatformConfig(withDsn(dsn), NAMESPACE);
    expect(result.ok && result.value.errorTracking).toEqual({ sentryDsn: dsn });
  });

  it("accepts an environment name", () => {
    const result = validatePlatformConfig(
      {
        ...devConfig(),
        errorTracking: { sentryDsn: `https://${KEY}@o0.ingest.sentry.io/42`, environment: "eu-prod.2" },
      },
      NAMESPACE,
    );
    expect(result.ok && result.value.errorTracking?.environment).toBe("eu-prod.2");
  });

  it.each([
    [
      `ftp://${KEY}@o0.ingest.sentry.io/42`,
      '"ftp://<redacted>@o0.ingest.sentry.io/42"',
      "it must start with http:// or https://",
    ],
    [`${KEY}@o0.ingest.sentry.io/42`, '"<redacted>@o0.ingest.sentry.io/42"', "it must start with http:// or https://"],
    [KEY, '"<redacted>"', "it must start with http:// or https://"],
    ["https://o0.ingest.sentry.io/42", '"https://o0.ingest.sentry.io/42"', "the public key must come before an @"],
    [
      `https://${KEY}@o0.ingest.sentry.io/project`,
      '"https://<redacted>@o0.ingest.sentry.io/project"',
      "the path must end with the numeric project id, e.g. /42",
    ],
    [
      `https://${KEY}@o0.ingest.sentry.io/42/`,
      '"https://<redacted>@o0.ingest.sentry.io/42/"',
      "the path must end with the numeric project id, e.g. /42",
    ],
    [
      `https://${KEY}@o0.ingest.sentry.io`,
      '"https://<redacted>@o0.ingest.sentry.io"',
      "the path must end with the numeric project id, e.g. /42",
    ],
    [`https://${KEY}@/42`, '"https://<redacted>@/42"', "the host (and optional port) after the @ is not valid"],
    [
      `https://${KEY}@o0.ingest.sentry.io:99999/42`,
      '"https://<redacted>@o0.ingest.sentry.io:99999/42"',
      "the host (and optional port) after the @ is not valid",
    ],
    [
      `https://${KEY}@o0.ingest.sentry.io/42?debug=1`,
      '"https://<redacted>@o0.ingest.sentry.io/42?debug=1"',
      "it may not have a query or a fragment",
    ],
    [
      `https://${KEY} @o0.ingest.sentry.io/42`,
      '"https://<redacted>@o0.ingest.sentry.io/42"',
      "it may not contain white space",
    ],
    [
      `https://${KEY}:secret@host@o0.ingest.sentry.io/x`,
      '"https://<redacted>@o0.ingest.sentry.io/x"',
      "the path must end with the numeric project id, e.g. /42",
    ],
  ])("refuses %s, naming the key and the value without its key", (dsn, shown, problem) => {
    const message = onlyMessage(withDsn(dsn));
    expect(message).toBe(`migration:errorTracking.sentryDsn: got ${shown}; ${EXPECTED_DSN}: ${problem}`);
    expect(message).not.toContain(KEY);
    expect(message).not.toContain("secret@");
  });

  it("refuses a DSN that is not a string", () => {
    expect(onlyMessage(withDsn(42))).toBe(`migration:errorTracking.sentryDsn: got 42; ${EXPECTED_DSN}`);
  });

  it("refuses an environment name Sentry would refuse", () => {
    const config = {
      ...devConfig(),
      errorTracking: { sentryDsn: `https://${KEY}@o0.ingest.sentry.io/42`, environment: "eu prod/1" },
    };
    expect(onlyMessage(config)).toBe(
      'migration:errorTracking.environment: got "eu prod/1"; expected a Sentry environment name: 1 to 64 letters, digits, _ . or -',
    );
  });

  it("never shows the key of a DSN under a misspelt key", () => {
    const messages = [
      ...issuesOf({ ...devConfig(), errorTracking: { sentryDns: `https://${KEY}@o0.ingest.sentry.io/42` } }),
      ...issuesOf({
        ...devConfig(),
        errorTraking: { sentryDsn: `https://${KEY}:legacysecret@o0.ingest.sentry.io/42` },
      }),
      ...issuesOf({ ...devConfig(), errorTracking: `https://${KEY}@o0.ingest.sentry.io/42` }),
    ].map(formatIssue);
    expect(messages).toContain(
      'migration:errorTracking.sentryDns: got "https://<redacted>@o0.ingest.sentry.io/42"; expected no such key: known keys here are sentryDsn, environment',
    );
    expect(messages.join("\n")).not.toMatch(new RegExp(`${KEY}|legacysecret`));
  });
});

describe("monitoring.logs", () => {
  const LOGS = { storeImage: "migration/victorialogs:v1.52.1", collectorImage: "migration/log-collector:v0.165.0" };
  const withLogs = (logs: Record<string, unknown>, changes: Record<string, unknown> = {}) => {
    const config = devConfig();
    config.monitoring = { ...config.monitoring, ...changes, logs };
    return config;
  };

  it("runs the log pipeline in both stages, VictoriaLogs' UI on port 9428", () => {
    for (const file of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
      const result = validatePlatformConfig(stackFileValues(file, NAMESPACE), NAMESPACE);
      expect(result.ok && result.value.monitoring.logs, file).toMatchObject({ ...LOGS, port: 9428 });
    }
  });

  it("is off when absent", () => {
    const config = devConfig();
    delete config.monitoring.logs;
    const result = validatePlatformConfig(config, NAMESPACE);
    expect(result.ok && result.value.monitoring).not.toHaveProperty("logs");
  });

  it("keeps logs 7 days and at most 10 GiB on port 9428, reading /var/lib/docker, unless told otherwise", () => {
    const result = validatePlatformConfig(withLogs(LOGS), NAMESPACE);
    expect(result.ok && result.value.monitoring.logs).toEqual({
      ...LOGS,
      port: 9428,
      retention: "7d",
      maxDiskUsage: "10GiB",
      dockerDataRoot: "/var/lib/docker",
    });
  });

  it("requires the collector's image", () => {
    expect(onlyMessage(withLogs({ storeImage: LOGS.storeImage }))).toBe(
      'migration:monitoring.logs.collectorImage: got nothing (the key is not set); expected an image reference with an explicit tag or digest, e.g. "registry/app:1.4.2"',
    );
  });

  it("requires a destination: the bundled store or the user's own backend", () => {
    expect(onlyMessage(withLogs({ collectorImage: LOGS.collectorImage }))).toBe(
      'migration:monitoring.logs.storeImage: got nothing (the key is not set); expected a VictoriaLogs image reference with an explicit tag, e.g. "migration/victorialogs:v1.52.1" (required unless monitoring.logs.otlpEndpoint sends the logs to your own backend)',
    );
  });

  it("accepts the user's own OTLP backend instead of the store, and ignores the store's port then", () => {
    const logs = { collectorImage: LOGS.collectorImage, otlpEndpoint: "https://loki.internal:3100/otlp", port: 9090 };
    expect(validatePlatformConfig(withLogs(logs), NAMESPACE).ok).toBe(true);
  });

  it("refuses both destinations at once, naming both keys", () => {
    expect(onlyMessage(withLogs({ ...LOGS, otlpEndpoint: "https://loki.internal:3100/otlp" }))).toBe(
      'migration:monitoring.logs.otlpEndpoint: got "https://loki.internal:3100/otlp"; expected either monitoring.logs.storeImage (the bundled VictoriaLogs) or monitoring.logs.otlpEndpoint (your own backend), not both: remove one',
    );
  });

  it.each([
    ["loki.internal:3100", "loki.internal:3100"],
    ["ftp://loki.internal/otlp", "ftp://loki.internal/otlp"],
    ["https://user:pass@loki.internal/otlp", "https://<redacted>@loki.internal/otlp"],
    ["https://", "https://"],
  ])("refuses an OTLP endpoint of %s (shown as %s)", (otlpEndpoint, shown) => {
    expect(onlyMessage(withLogs({ collectorImage: LOGS.collectorImage, otlpEndpoint }))).toBe(
      `migration:monitoring.logs.otlpEndpoint: got "${shown}"; expected an http:// or https:// OTLP/HTTP base URL without credentials (the collector appends /v1/logs), e.g. "https://loki.internal:3100/otlp"`,
    );
  });

  it.each(["12h", "7 days", "0d", "1m"])("refuses a retention of %s", (retention) => {
    expect(onlyMessage(withLogs({ ...LOGS, retention }))).toBe(
      `migration:monitoring.logs.retention: got "${retention}"; expected a duration of at least 24h in h, d, w or y, such as "7d" (VictoriaLogs deletes logs by whole days)`,
    );
  });

  it.each(["24h", "30d", "2w", "1y"])("accepts a retention of %s", (retention) => {
    expect(validatePlatformConfig(withLogs({ ...LOGS, retention }), NAMESPACE).ok).toBe(true);
  });

  it.each(["10GB", "0GiB", "10", "1.5GiB", "ten GiB"])("refuses a disk cap of %s", (maxDiskUsage) => {
    expect(onlyMessage(withLogs({ ...LOGS, maxDiskUsage }))).toBe(
      `migration:monitoring.logs.maxDiskUsage: got "${maxDiskUsage}"; expected a size in MiB, GiB or TiB, such as "10GiB"`,
    );
  });

  it.each(["500MiB", "10GiB", "2TiB"])("accepts a disk cap of %s", (maxDiskUsage) => {
    expect(validatePlatformConfig(withLogs({ ...LOGS, maxDiskUsage }), NAMESPACE).ok).toBe(true);
  });

  it("refuses a relative Docker data root", () => {
    expect(onlyMessage(withLogs({ ...LOGS, dockerDataRoot: "docker" }))).toBe(
      'migration:monitoring.logs.dockerDataRoot: got "docker"; expected an absolute path, such as "/var/lib/docker"',
    );
  });

  it.each([
    ["lokiImage", "migration/loki:v3.6.4", "storeImage", "VictoriaLogs"],
    ["agentImage", "migration/log-agent:v3.6.4", "collectorImage", "OpenTelemetry Collector"],
  ])("refuses the retired key %s, naming what replaced it", (key, value, replacement, program) => {
    const message = onlyMessage(withLogs({ ...LOGS, [key]: value }));
    expect(message).toMatch(
      new RegExp(`^migration:monitoring\\.logs\\.${key}: got "${value}"; expected no such key any more`),
    );
    expect(message).toContain(`set monitoring.logs.${replacement} instead`);
    expect(message).toContain(program);
  });

  it("names a misspelt key and lists the known ones", () => {
    expect(onlyMessage(withLogs({ ...LOGS, storePort: 3200 }))).toBe(
      "migration:monitoring.logs.storePort: got 3200; expected no such key: known keys here are collectorImage, storeImage, otlpEndpoint, port, retention, maxDiskUsage, dockerDataRoot",
    );
  });

  it("refuses a store port another container already binds on the host", () => {
    expect(onlyMessage(withLogs({ ...LOGS, port: 9090 }))).toBe(
      "migration:monitoring.logs.port: got 9090; expected a host port that monitoring.port does not already bind (one host port serves one container)",
    );
  });

  it("ignores the store port while monitoring is disabled (nothing is deployed)", () => {
    expect(validatePlatformConfig(withLogs({ ...LOGS, port: 9090 }, { enabled: false }), NAMESPACE).ok).toBe(true);
  });

  it("refuses floating log images in production", () => {
    const config = structuredClone(stackFileValues("Pulumi.prod.yaml", NAMESPACE)) as Record<string, any>;
    config.monitoring.logs = {
      storeImage: "migration/victorialogs:latest",
      collectorImage: "migration/log-collector:latest",
    };
    expect(issuesOf(config).map(formatIssue)).toEqual([
      'migration:monitoring.logs.collectorImage: got "migration/log-collector:latest"; expected a pinned tag or digest: ":latest" is not allowed when environment is "production"',
      'migration:monitoring.logs.storeImage: got "migration/victorialogs:latest"; expected a pinned tag or digest: ":latest" is not allowed when environment is "production"',
    ]);
  });
});

describe("ports and replicas", () => {
  it.each([0, 65536, 80.5])("refuses port %s", (port) => {
    const config = devConfig();
    config.fastapi.port = port;
    expect(onlyMessage(config)).toBe(`migration:fastapi.port: got ${port}; expected an integer port from 1 to 65535`);
  });

  it("refuses an ingress port outside 1..65535", () => {
    expect(onlyMessage({ ...devConfig(), ingressPort: 70000 })).toBe(
      "migration:ingressPort: got 70000; expected an integer port from 1 to 65535",
    );
  });

  it("refuses fewer than one replica", () => {
    const config = devConfig();
    config.flask.replicas = 0;
    expect(onlyMessage(config)).toBe("migration:flask.replicas: got 0; expected an integer of at least 1");
  });
});

describe("keys", () => {
  it("names a misspelt key and lists the known ones", () => {
    const config = devConfig();
    config.fastapi.replica = 3;
    expect(onlyMessage(config)).toBe(
      "migration:fastapi.replica: got 3; expected no such key: known keys here are image, port, replicas",
    );
  });

  it("names a misspelt top-level key", () => {
    expect(onlyMessage({ ...devConfig(), defaultWieght: 20 })).toMatch(
      /^migration:defaultWieght: got 20; expected no such key: known keys here are target, environment, ingress, /,
    );
  });

  it("names a missing required key", () => {
    const config = devConfig();
    delete config.maxStep;
    expect(onlyMessage(config)).toBe(
      "migration:maxStep: got nothing (the key is not set); expected an integer from 1 to 100",
    );
  });

  it("refuses an unknown Flask mode and an external Flask without an http URL", () => {
    expect(onlyMessage({ ...devConfig(), flask: { mode: "legacy" } })).toBe(
      'migration:flask.mode: got "legacy"; expected an object with mode "managed" (image, port, replicas) or "external" (url)',
    );
    expect(onlyMessage({ ...devConfig(), flask: { mode: "external", url: "ftp://flask" } })).toBe(
      'migration:flask.url: got "ftp://flask"; expected an http:// URL with a host and optional port, e.g. "http://10.0.0.5:5000"',
    );
  });

  it("reports every problem at once, one line each", () => {
    const config: Record<string, any> = { ...devConfig(), defaultWeight: 200, ingress: "envoy" };
    config.fastapi.replicas = 0;
    const issues = issuesOf(config);
    expect(issues.map((issue) => issue.key).sort()).toEqual([
      "migration:defaultWeight",
      "migration:fastapi.replicas",
      "migration:ingress",
    ]);
    expect(formatIssues(issues).split("\n")).toHaveLength(4);
    expect(formatIssues(issues)).toMatch(/^Invalid stack configuration \(3 problems\); nothing was changed:/);
  });
});
