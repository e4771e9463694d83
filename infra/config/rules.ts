import { configKey, type ConfigIssue, type ConfigPath } from "./issues";
import { isFloatingLatest } from "./imageReference";
import { describeMatcher, findGatewayPrecedenceConflicts, findRouteConflicts } from "./routeConflicts";
import type { PlatformConfig } from "./schema";
import { routeBackendService } from "../render/traefik/dynamicConfig";
import { assignRouteIds } from "../routing/routeIds";

/**
 * Rules that relate several values to each other. They run on a config whose individual values already passed the
 * schema, so each rule can assume well-typed input.
 */
export function checkCrossFieldRules(config: PlatformConfig, namespace: string): ConfigIssue[] {
  const issue = (path: ConfigPath, value: unknown, expected: string): ConfigIssue => ({
    key: configKey(namespace, path),
    value,
    expected,
  });
  return [
    ...checkTarget(config, issue),
    ...checkSchedule(config, issue),
    ...checkRoutes(config, issue),
    ...checkImages(config, issue),
    ...checkMonitoring(config, issue),
    ...checkHostPorts(config, issue),
  ];
}

type IssueFactory = (path: ConfigPath, value: unknown, expected: string) => ConfigIssue;

function checkTarget(config: PlatformConfig, issue: IssueFactory): ConfigIssue[] {
  if (config.target === "docker") return [];
  const service = config.kubernetes?.ingressService;
  return [
    ...(config.ingress === "traefik"
      ? []
      : [
          issue(
            ["ingress"],
            config.ingress,
            '"traefik" on the kubernetes target (the nginx flavour runs on docker only in this version)',
          ),
        ]),
    ...(config.monitoring.enabled && config.monitoring.grafanaImage
      ? [
          issue(
            ["monitoring", "grafanaImage"],
            config.monitoring.grafanaImage,
            "absent on the kubernetes target: Grafana is deployed on docker only in this version",
          ),
        ]
      : []),
    ...routeServiceNames(config, issue),
    ...checkGateway(config, issue),
    ...(config.flask.mode === "external"
      ? [
          issue(
            ["flask", "mode"],
            "external",
            '"managed" on the kubernetes target (an external Flask is routed on docker only in this version)',
          ),
        ]
      : []),
    ...(service?.type === "NodePort" && !service.address
      ? [
          issue(
            ["kubernetes", "ingressService", "address"],
            undefined,
            "the host or address clients reach a node's port on (required with ingressService.type NodePort), e.g. a node's address",
          ),
        ]
      : []),
    ...(service?.type === "ClusterIP" && service.nodePort !== undefined
      ? [
          issue(
            ["kubernetes", "ingressService", "nodePort"],
            service.nodePort,
            "no nodePort with ingressService.type ClusterIP (a ClusterIP Service opens no port on the nodes)",
          ),
        ]
      : []),
  ];
}

/**
 * What the Gateway API flavour cannot do as the stack's own Traefik does, refused rather than silently done otherwise:
 * keep a client on one backend, send a failed request or a dead backend's share to the other backend, and match
 * routes in the map's order where the Gateway's precedence would not.
 */
function checkGateway(config: PlatformConfig, issue: IssueFactory): ConfigIssue[] {
  const { kubernetes } = config;
  if (!kubernetes?.gateway) return [];
  const service = kubernetes.ingressService;
  const unlessOwnTraefik = "(the stack's own Traefik, without kubernetes.gateway, can)";
  return [
    ...(config.sticky
      ? [
          issue(
            ["sticky"],
            true,
            `false with kubernetes.gateway: session persistence is still experimental in the Gateway API, so an HTTPRoute cannot keep a client on one backend ${unlessOwnTraefik}`,
          ),
        ]
      : []),
    ...(config.failover
      ? [
          issue(
            ["failover"],
            true,
            `false with kubernetes.gateway: an HTTPRoute can neither send a failed request again to the other backend nor fall back to it when one has no ready pod ${unlessOwnTraefik}`,
          ),
        ]
      : []),
    ...(["nodePort", "address"] as const).flatMap((key) =>
      service[key] === undefined
        ? []
        : [
            issue(
              ["kubernetes", "ingressService", key],
              service[key],
              "absent with kubernetes.gateway: clients reach the Gateway (kubernetes.gateway.url), not a Service of the stack",
            ),
          ],
    ),
    ...config.routes.flatMap((route, index) => {
      const problem = gatewayPathProblem(route.path);
      return problem
        ? [issue(["routes", index, "path"], route.path, `a path the Gateway API accepts as a prefix: ${problem}`)]
        : [];
    }),
    ...findGatewayPrecedenceConflicts(config.routes).map(({ index, earlierIndex }) =>
      issue(
        ["routes", index, "path"],
        config.routes[index].path,
        `a route the Gateway matches in the map's order: the Gateway API prefers the longest path prefix, so ${describeMatcher(config.routes[index])} would take the requests it shares with routes[${earlierIndex}] ${describeMatcher(config.routes[earlierIndex])}, which comes first; put the longer path first`,
      ),
    ),
  ];
}

/** What the Gateway API's HTTPRoute refuses in a path prefix (its CRD's validation rules), if anything. */
function gatewayPathProblem(path: string): string | undefined {
  if (/\/\.{1,2}(\/|$)/.test(path)) return 'no "." or ".." segment';
  if (path.includes("//")) return 'no "//"';
  if (/%2f/i.test(path)) return 'no encoded "/" (%2F)';
  return undefined;
}

/** The longest route id whose Services' names (`route-<id>-via-fastapi`) fit a DNS label's 63 characters. */
const LONGEST_KUBERNETES_ROUTE_ID = 63 - routeBackendService("", "fastapi").length;

/** On Kubernetes a route's id names its Services (kubernetesRouting.ts): it must fit in one. */
function routeServiceNames(config: PlatformConfig, issue: IssueFactory): ConfigIssue[] {
  const ids = assignRouteIds(config.routes);
  return config.routes.flatMap((route, index) =>
    ids[index].length > LONGEST_KUBERNETES_ROUTE_ID
      ? [
          issue(
            ["routes", index, "path"],
            route.path,
            `a path (with its methods) whose route id, here ${ids[index]}, is at most ${LONGEST_KUBERNETES_ROUTE_ID} characters on the kubernetes target: it names the route's Services`,
          ),
        ]
      : [],
  );
}

function checkSchedule(config: PlatformConfig, issue: IssueFactory): ConfigIssue[] {
  const { schedule, maxStep } = config;
  const issues: ConfigIssue[] = [];
  schedule.forEach((step, index) => {
    if (index === 0) return;
    const previous = schedule[index - 1];
    if (step <= previous) {
      issues.push(
        issue(
          ["schedule", index],
          step,
          `a weight greater than the step before it (${previous}): the schedule must increase`,
        ),
      );
    } else if (step - previous > maxStep) {
      issues.push(
        issue(
          ["schedule", index],
          step,
          `at most ${previous + maxStep}: a schedule step may not exceed maxStep (${maxStep}) over the step before it (${previous})`,
        ),
      );
    }
  });
  const last = schedule[schedule.length - 1];
  if (last !== 100) {
    issues.push(
      issue(
        ["schedule", schedule.length - 1],
        last,
        "100 as the last step: a schedule ends with every request on FastAPI",
      ),
    );
  }
  return issues;
}

function checkRoutes(config: PlatformConfig, issue: IssueFactory): ConfigIssue[] {
  return findRouteConflicts(config.routes).map((conflict) => {
    const route = config.routes[conflict.index];
    const earlier = describeMatcher(config.routes[conflict.earlierIndex]);
    const path = ["routes", conflict.index, "path"];
    return conflict.kind === "duplicate"
      ? issue(path, route.path, `a path and methods not already routed by routes[${conflict.earlierIndex}] ${earlier}`)
      : issue(
          path,
          route.path,
          `a route that can receive traffic: routes[${conflict.earlierIndex}] ${earlier} comes first and takes every request of ${describeMatcher(route)}; put the narrower route first`,
        );
  });
}

function imageKeys(config: PlatformConfig): Array<{ path: ConfigPath; image: string }> {
  const images: Array<{ path: ConfigPath; image: string | undefined }> = [
    { path: ["ingressImage"], image: config.ingressImage },
    { path: ["fastapi", "image"], image: config.fastapi.image },
    { path: ["database", "image"], image: config.database.image },
    { path: ["monitoring", "image"], image: config.monitoring.image },
    { path: ["monitoring", "alertmanagerImage"], image: config.monitoring.alertmanagerImage },
    { path: ["monitoring", "postgresExporterImage"], image: config.monitoring.postgresExporterImage },
    { path: ["monitoring", "grafanaImage"], image: config.monitoring.grafanaImage },
    { path: ["monitoring", "logs", "collectorImage"], image: config.monitoring.logs?.collectorImage },
    { path: ["monitoring", "logs", "storeImage"], image: config.monitoring.logs?.storeImage },
    { path: ["flask", "image"], image: config.flask.mode === "managed" ? config.flask.image : undefined },
  ];
  return images.filter((entry): entry is { path: ConfigPath; image: string } => entry.image !== undefined);
}

function checkImages(config: PlatformConfig, issue: IssueFactory): ConfigIssue[] {
  if (config.environment !== "production") return [];
  return imageKeys(config)
    .filter(({ image }) => isFloatingLatest(image))
    .map(({ path, image }) =>
      issue(path, image, 'a pinned tag or digest: ":latest" is not allowed when environment is "production"'),
    );
}

function checkMonitoring(config: PlatformConfig, issue: IssueFactory): ConfigIssue[] {
  const { monitoring } = config;
  if (!monitoring.enabled) return [];
  return [
    ...checkLogDestination(monitoring.logs, issue),
    ...(monitoring.image
      ? []
      : [
          issue(
            ["monitoring", "image"],
            undefined,
            "a Prometheus image reference with an explicit tag (required while monitoring.enabled is true)",
          ),
        ]),
    // Prometheus only evaluates alerts; without Alertmanager a configured receiver would silently never hear of one.
    ...(monitoring.alertReceiver && !monitoring.alertmanagerImage
      ? [
          issue(
            ["monitoring", "alertmanagerImage"],
            undefined,
            "an Alertmanager image reference with an explicit tag (required while monitoring.alertReceiver is set: Alertmanager is what sends the alerts)",
          ),
        ]
      : []),
  ];
}

/** The logs go to exactly one place: the bundled store, or the user's own backend over OTLP. */
function checkLogDestination(logs: PlatformConfig["monitoring"]["logs"], issue: IssueFactory): ConfigIssue[] {
  if (!logs) return [];
  if (logs.storeImage && logs.otlpEndpoint)
    return [
      issue(
        ["monitoring", "logs", "otlpEndpoint"],
        logs.otlpEndpoint,
        "either monitoring.logs.storeImage (the bundled VictoriaLogs) or monitoring.logs.otlpEndpoint (your own backend), not both: remove one",
      ),
    ];
  if (!logs.storeImage && !logs.otlpEndpoint)
    return [
      issue(
        ["monitoring", "logs", "storeImage"],
        undefined,
        'a VictoriaLogs image reference with an explicit tag, e.g. "migration/victorialogs:v1.52.1" (required unless monitoring.logs.otlpEndpoint sends the logs to your own backend)',
      ),
    ];
  return [];
}

/** Every port the platform binds on the host, in the order a clash is reported (the later key is the one to change). */
function hostPorts(config: PlatformConfig): Array<{ path: ConfigPath; port: number }> {
  const { monitoring } = config;
  return [
    { path: ["ingressPort"], port: config.ingressPort },
    ...(monitoring.enabled ? [{ path: ["monitoring", "port"], port: monitoring.port }] : []),
    ...(monitoring.enabled && monitoring.grafanaImage
      ? [{ path: ["monitoring", "grafanaPort"], port: monitoring.grafanaPort }]
      : []),
    ...(monitoring.enabled && monitoring.logs?.storeImage
      ? [{ path: ["monitoring", "logs", "port"], port: monitoring.logs.port }]
      : []),
  ];
}

function checkHostPorts(config: PlatformConfig, issue: IssueFactory): ConfigIssue[] {
  const ports = hostPorts(config);
  return ports.flatMap(({ path, port }, index) => {
    const taken = ports.slice(0, index).find((earlier) => earlier.port === port);
    return taken
      ? [
          issue(
            path,
            port,
            `a host port that ${taken.path.join(".")} does not already bind (one host port serves one container)`,
          ),
        ]
      : [];
  });
}
