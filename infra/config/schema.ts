import { z } from "zod";
import { DOCKER_CONFIG_JSON_TEXT, isDockerConfigJson } from "./dockerConfigJson";
import { hasExplicitVersion } from "./imageReference";
import { sentryDsnProblem } from "./sentryDsn";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const TARGETS = ["docker", "kubernetes"] as const;
export const INGRESS_KINDS = ["traefik", "nginx"] as const;
export const ENVIRONMENTS = ["development", "production"] as const;

const WEIGHT = "an integer from 0 to 100 (percent of traffic sent to FastAPI)";
const PORT = "an integer port from 1 to 65535";
const IMAGE = 'an image reference with an explicit tag or digest, e.g. "registry/app:1.4.2"';
// Path characters are limited so that a path can be embedded verbatim in Traefik rules and nginx/Lua data.
const PATH_PATTERN = /^\/[A-Za-z0-9._~%/-]*$/;
const PATH = 'a path prefix starting with "/" made of letters, digits and . _ ~ % / -';
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const DURATION = /^[1-9][0-9]*(h|d|w|y)$/;
const SHORT_DURATION = /^[1-9][0-9]*(s|m|h)$/;
const SHORT_DURATION_TEXT = 'a duration in s, m or h, such as "10m"';
const BACKUP_WINDOW = /^(0|[1-9][0-9]*)(s|m|h|d)$/;
const BACKUP_WINDOW_TEXT = 'a duration in s, m, h or d, such as "14d", or "0s" for no backup window';

const LOG_RETENTION =
  'a duration of at least 24h in h, d, w or y, such as "7d" (VictoriaLogs deletes logs by whole days)';
const HOURS_PER_UNIT = { h: 1, d: 24, w: 168, y: 8760 } as const;
// VictoriaLogs refuses a retention period below one day: it stores and deletes logs by daily partitions.
const isLogRetention = (text: string) =>
  DURATION.test(text) &&
  Number(text.slice(0, -1)) * HOURS_PER_UNIT[text.slice(-1) as keyof typeof HOURS_PER_UNIT] >= 24;

const DISK_SIZE = /^[1-9][0-9]*(MiB|GiB|TiB)$/;
const DISK_SIZE_TEXT = 'a size in MiB, GiB or TiB, such as "10GiB"';
const OTLP_ENDPOINT =
  'an http:// or https:// OTLP/HTTP base URL without credentials (the collector appends /v1/logs), e.g. "https://loki.internal:3100/otlp"';
const ABSOLUTE_PATH = 'an absolute path, such as "/var/lib/docker"';

const WEBHOOK_URL =
  'an http:// or https:// URL that receives Alertmanager webhooks, e.g. "http://alerts.internal:9000/hook"';

const SENTRY_DSN =
  'a Sentry DSN, http(s)://<public key>@<host>[:port]/<project id>, e.g. "https://<public key>@o0.ingest.sentry.io/42"';
// Sentry refuses environment names with white space or slashes, and longer than 64 characters.
const SENTRY_ENVIRONMENT = "a Sentry environment name: 1 to 64 letters, digits, _ . or -";

// Kubernetes object names: a namespace (or a Gateway's listener) is an RFC 1123 label; a storage class, a Gateway or a
// secret name a subdomain.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const DNS_LABEL_TEXT =
  "a Kubernetes namespace name: lower-case letters, digits and -, at most 63, starting and ending with a letter or digit";
const DNS_SUBDOMAIN_TEXT = "a Kubernetes object name: lower-case letters, digits, - and ., at most 253";
const STORAGE_SIZE_TEXT = 'a size in Mi, Gi or Ti, such as "10Gi"';
/** A claim's size, as Kubernetes takes it. */
const storageSize = (fallback: string) =>
  z
    .string({ error: STORAGE_SIZE_TEXT })
    .regex(/^[1-9][0-9]*(Mi|Gi|Ti)$/, { error: STORAGE_SIZE_TEXT })
    .default(fallback);
const REGISTRY_TEXT =
  'a registry host with an optional port and path, without a scheme, e.g. "registry.example.com/team" or "10.250.0.254:5000"';
const NODE_PORT_TEXT = "an integer from 30000 to 32767 (Kubernetes' default node port range)";
const GATEWAY_LISTENER_TEXT = "a listener name of the Gateway: lower-case letters, digits and -, at most 63";
const GATEWAY_URL_TEXT =
  'the http:// or https:// URL clients reach the Gateway at, without a path, e.g. "https://shop.example.com"';
export const INGRESS_SERVICE_TYPES = ["NodePort", "LoadBalancer", "ClusterIP"] as const;

const quoted = (values: readonly string[]) => values.map((value) => `"${value}"`).join(" or ");

export const weightSchema = z
  .number({ error: WEIGHT })
  .int({ error: WEIGHT })
  .min(0, { error: WEIGHT })
  .max(100, { error: WEIGHT });
const portSchema = z.number({ error: PORT }).int({ error: PORT }).min(1, { error: PORT }).max(65535, { error: PORT });
const replicasSchema = z
  .number({ error: "an integer of at least 1" })
  .int({ error: "an integer of at least 1" })
  .min(1, { error: "an integer of at least 1" })
  .max(20, { error: "an integer from 1 to 20" });
const imageSchema = z.string({ error: IMAGE }).min(1, { error: IMAGE }).refine(hasExplicitVersion, { error: IMAGE });
const identifierSchema = z
  .string({ error: "a lower-case SQL identifier" })
  .regex(IDENTIFIER, { error: "a lower-case SQL identifier (letters, digits, _; at most 63)" });

export const routeSchema = z.strictObject({
  path: z.string({ error: PATH }).regex(PATH_PATTERN, { error: PATH }),
  methods: z
    .array(z.enum(HTTP_METHODS, { error: `an HTTP method: ${HTTP_METHODS.join(", ")}` }), {
      error: "a list of HTTP methods",
    })
    .min(1, { error: "a non-empty list of HTTP methods, or no `methods` key for all methods" })
    .optional(),
  weight: weightSchema,
});

const managedFlaskSchema = z.strictObject({
  mode: z.literal("managed"),
  image: imageSchema,
  port: portSchema.default(5000),
  replicas: replicasSchema.default(1),
});

const externalFlaskSchema = z.strictObject({
  mode: z.literal("external"),
  url: z
    .string({ error: "an http:// URL with a host and optional port" })
    .regex(/^http:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?\/?$/, {
      error: 'an http:// URL with a host and optional port, e.g. "http://10.0.0.5:5000"',
    }),
});

export const platformConfigSchema = z.strictObject({
  target: z.enum(TARGETS, { error: quoted(TARGETS) }).default("docker"),
  environment: z.enum(ENVIRONMENTS, { error: quoted(ENVIRONMENTS) }).default("development"),
  ingress: z.enum(INGRESS_KINDS, { error: quoted(INGRESS_KINDS) }).default("traefik"),
  ingressImage: imageSchema,
  ingressPort: portSchema.default(8080),
  /**
   * How long Flask stays deployed as the backup once no route sends it traffic: the legacy stack's destroy is refused
   * until that long after the platform update that took Flask's last configured share away.
   */
  backupWindow: z
    .string({ error: BACKUP_WINDOW_TEXT })
    .regex(BACKUP_WINDOW, { error: BACKUP_WINDOW_TEXT })
    .default("14d"),
  defaultWeight: weightSchema,
  schedule: z
    .array(weightSchema, { error: "a list of weights, e.g. [10, 50, 100]" })
    .min(1, { error: "a non-empty list of weights ending at 100" }),
  maxStep: z
    .number({ error: "an integer from 1 to 100" })
    .int({ error: "an integer from 1 to 100" })
    .min(1, { error: "an integer from 1 to 100" })
    .max(100, { error: "an integer from 1 to 100" }),
  sticky: z.boolean({ error: "true or false" }).default(true),
  overrideHeader: z
    .string({ error: "an HTTP header name" })
    .regex(HEADER_NAME, { error: "an HTTP header name (letters, digits, -)" })
    .default("X-Backend"),
  /**
   * Failover between the backends: a dead backend takes no new requests, and a GET, HEAD or OPTIONS that fails to
   * reach one is retried once on the other. Needs both backends probed, so it is off with `flask.mode: external`.
   */
  failover: z.boolean({ error: "true or false" }).default(true),
  routes: z.array(routeSchema, { error: "a list of routes { path, methods?, weight }" }).default([]),
  flask: z.discriminatedUnion("mode", [managedFlaskSchema, externalFlaskSchema], {
    error: 'an object with mode "managed" (image, port, replicas) or "external" (url)',
  }),
  fastapi: z.strictObject({
    image: imageSchema,
    port: portSchema.default(8000),
    replicas: replicasSchema.default(2),
  }),
  database: z.strictObject({
    image: imageSchema,
    name: identifierSchema.default("migration"),
    user: identifierSchema.default("migration"),
    retainOnDestroy: z.boolean({ error: "true or false" }).default(true),
  }),
  monitoring: z
    .strictObject({
      enabled: z.boolean({ error: "true or false" }).default(true),
      image: imageSchema.optional(),
      port: portSchema.default(9090),
      retention: z
        .string({ error: 'a duration such as "15d"' })
        .regex(DURATION, { error: 'a duration in h, d, w or y, such as "15d"' })
        .default("15d"),
      /** The companions below are each deployed only when their image is set (and monitoring is enabled). */
      alertmanagerImage: imageSchema.optional(),
      postgresExporterImage: imageSchema.optional(),
      grafanaImage: imageSchema.optional(),
      /** Host port of the Grafana UI, on 127.0.0.1. */
      grafanaPort: portSchema.default(3000),
      /**
       * The log pipeline (the collector, and VictoriaLogs unless the logs go to the user's own backend), deployed only
       * when set (and monitoring is enabled).
       */
      logs: z
        .strictObject({
          /** The log collector's image (`migration/log-collector:<version>`, an OpenTelemetry Collector build). */
          collectorImage: imageSchema,
          /** VictoriaLogs' image (`migration/victorialogs:<version>`): the bundled store. Not with otlpEndpoint. */
          storeImage: imageSchema.optional(),
          /** The user's own log backend, over OTLP/HTTP, instead of the bundled store (which is then not deployed). */
          otlpEndpoint: z
            .string({ error: OTLP_ENDPOINT })
            .regex(/^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/, { error: OTLP_ENDPOINT })
            .optional(),
          /** Host port of VictoriaLogs' web UI and query API, on 127.0.0.1. */
          port: portSchema.default(9428),
          /** How long VictoriaLogs keeps log lines. */
          retention: z.string({ error: LOG_RETENTION }).refine(isLogRetention, { error: LOG_RETENTION }).default("7d"),
          /** The most disk VictoriaLogs' data may take; beyond it the oldest days go first. */
          maxDiskUsage: z
            .string({ error: DISK_SIZE_TEXT })
            .regex(DISK_SIZE, { error: DISK_SIZE_TEXT })
            .default("10GiB"),
          /** The Docker engine's data root on its host (`docker info` → Docker Root Dir): the containers' log files. */
          dockerDataRoot: z
            .string({ error: ABSOLUTE_PATH })
            .regex(/^\/[^\s]*$/, { error: ABSOLUTE_PATH })
            .default("/var/lib/docker"),
        })
        .optional(),
      /** Where Alertmanager sends the migration alerts; without it they are only shown (Prometheus, Grafana), not sent. */
      alertReceiver: z
        .strictObject({
          webhookUrl: z.string({ error: WEBHOOK_URL }).regex(/^https?:\/\/[^\s/?#]+[^\s]*$/, { error: WEBHOOK_URL }),
        })
        .optional(),
    })
    .default({ enabled: false, port: 9090, retention: "15d", grafanaPort: 3000 }),
  /** Where and how the platform runs when `target` is kubernetes (read only then). */
  kubernetes: z
    .strictObject({
      /** The stack's own namespace; `<project>-<stack>` when absent, so that two stacks never share one. */
      namespace: z.string({ error: DNS_LABEL_TEXT }).regex(DNS_LABEL, { error: DNS_LABEL_TEXT }).optional(),
      /** Path of the kubeconfig file; the provider's own lookup ($KUBECONFIG, then ~/.kube/config) when absent. */
      kubeconfig: z
        .string({ error: "a path to a kubeconfig file" })
        .min(1, { error: "a path to a kubeconfig file" })
        .optional(),
      /** The kubeconfig's context to use; its current context when absent. */
      context: z
        .string({ error: "a context name of the kubeconfig" })
        .min(1, { error: "a context name of the kubeconfig" })
        .optional(),
      /** The database claim's storage class; the cluster's default class when absent. */
      storageClass: z
        .string({ error: DNS_SUBDOMAIN_TEXT })
        .regex(DNS_SUBDOMAIN, { error: DNS_SUBDOMAIN_TEXT })
        .optional(),
      databaseStorage: storageSize("10Gi"),
      /** Prometheus's claim, for its samples of `monitoring.retention` (Alertmanager's silences take 1Gi beside it). */
      monitoringStorage: storageSize("10Gi"),
      /** The kubelet's pod log directory on the nodes (its `podLogsDir`), which the log collector reads. */
      podLogsDirectory: z
        .string({ error: ABSOLUTE_PATH })
        .regex(/^\/[^\s]*$/, { error: ABSOLUTE_PATH })
        .default("/var/log/pods"),
      /** Put in front of every image that names no registry of its own (as Docker decides it: no `.` or `:` before the first `/`). */
      imageRegistry: z
        .string({ error: REGISTRY_TEXT })
        .regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[a-z0-9._-]+)*$/, { error: REGISTRY_TEXT })
        .optional(),
      /** The registry credentials, a `.dockerconfigjson` document: set it with `pulumi config set --secret`. */
      imagePullSecret: z
        .string({ error: DOCKER_CONFIG_JSON_TEXT })
        .refine(isDockerConfigJson, { error: DOCKER_CONFIG_JSON_TEXT })
        .optional(),
      /** How clients reach the ingress: the Service in front of Traefik, on port `ingressPort`. */
      ingressService: z
        .strictObject({
          type: z.enum(INGRESS_SERVICE_TYPES, { error: quoted(INGRESS_SERVICE_TYPES) }).default("LoadBalancer"),
          /** A fixed node port (NodePort and LoadBalancer); the cluster picks a free one when absent. */
          nodePort: z
            .number({ error: NODE_PORT_TEXT })
            .int({ error: NODE_PORT_TEXT })
            .min(30000, { error: NODE_PORT_TEXT })
            .max(32767, { error: NODE_PORT_TEXT })
            .optional(),
          /** The host or address clients use with a NodePort (a node's, or a load balancer's in front of the nodes). */
          address: z
            .string({ error: "a host name or IP address" })
            .regex(/^[A-Za-z0-9.:-]+$/, { error: "a host name or IP address" })
            .optional(),
        })
        .default({ type: "LoadBalancer" }),
      /**
       * A Gateway the cluster already runs (Envoy Gateway, Istio, NGINX Gateway Fabric, Traefik…): the routing goes to it
       * as Gateway API HTTPRoutes instead of through the stack's own Traefik (docs/kubernetes.md, "Behind your cluster's Gateway").
       */
      gateway: z
        .strictObject({
          name: z.string({ error: DNS_SUBDOMAIN_TEXT }).regex(DNS_SUBDOMAIN, { error: DNS_SUBDOMAIN_TEXT }),
          namespace: z.string({ error: DNS_LABEL_TEXT }).regex(DNS_LABEL, { error: DNS_LABEL_TEXT }),
          /** The Gateway's listener the routes attach to (its `sectionName`); every listener that admits them when absent. */
          listener: z
            .string({ error: GATEWAY_LISTENER_TEXT })
            .regex(DNS_LABEL, { error: GATEWAY_LISTENER_TEXT })
            .optional(),
          /** How clients reach that listener: the stack's ingress URL, which the cutover command checks through. */
          url: z.string({ error: GATEWAY_URL_TEXT }).regex(/^https?:\/\/[^\s/?#]+\/?$/, { error: GATEWAY_URL_TEXT }),
        })
        .optional(),
    })
    .optional(),
  /** Sentry for both apps' unhandled errors; without it the apps get no SENTRY_* variable and send nothing. */
  errorTracking: z
    .strictObject({
      /** Holds the project's key: set it with `pulumi config set --secret`. */
      sentryDsn: z.string({ error: SENTRY_DSN }).superRefine((dsn, context) => {
        const problem = sentryDsnProblem(dsn);
        if (problem) context.addIssue({ code: "custom", message: `${SENTRY_DSN}: ${problem}` });
      }),
      /** The apps' SENTRY_ENVIRONMENT; the stack name when absent. */
      environment: z
        .string({ error: SENTRY_ENVIRONMENT })
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: SENTRY_ENVIRONMENT })
        .optional(),
    })
    .optional(),
  /**
   * When FastAPI counts as serving "as well as Flask". One definition for the alert rules (which fire when it does
   * not) and for the cutover command's metric gates (which refuse to advance when it does not).
   */
  gates: z
    .strictObject({
      /** FastAPI's 5xx ratio may exceed Flask's by at most this much (0.01 = one percentage point). */
      errorRatioMargin: z
        .number({ error: "a ratio from 0 to 1, e.g. 0.01" })
        .min(0, { error: "a ratio from 0 to 1, e.g. 0.01" })
        .max(1, { error: "a ratio from 0 to 1, e.g. 0.01" })
        .default(0.01),
      /** FastAPI's p99 latency may be at most this multiple of Flask's. */
      latencyP99Multiple: z
        .number({ error: "a number of at least 1, e.g. 1.5" })
        .min(1, { error: "a number of at least 1, e.g. 1.5" })
        .default(1.5),
      /** Requests each backend must have served in the window before any comparison is judged (else: inconclusive). */
      minRequests: z
        .number({ error: "an integer of at least 1" })
        .int({ error: "an integer of at least 1" })
        .min(1, { error: "an integer of at least 1" })
        .default(100),
      /** The window over which rates, ratios and latencies are compared. */
      window: z
        .string({ error: SHORT_DURATION_TEXT })
        .regex(SHORT_DURATION, { error: SHORT_DURATION_TEXT })
        .default("5m"),
      /** Least time between two advances (a step must bake before the next one). */
      bakeTime: z
        .string({ error: SHORT_DURATION_TEXT })
        .regex(SHORT_DURATION, { error: SHORT_DURATION_TEXT })
        .default("10m"),
    })
    .default({ errorRatioMargin: 0.01, latencyP99Multiple: 1.5, minRequests: 100, window: "5m", bakeTime: "10m" }),
});

/** Stack configuration after parsing and defaults, before the cross-field rules have run. */
export type PlatformConfig = z.infer<typeof platformConfigSchema>;
