import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ErrorTracking } from "../../infra/contract/platformOutputs";
import { sentryRelease } from "../../infra/monitoring/errorTracking";
import { replicaHostname } from "../../infra/routing/backendAddresses";

export interface AppServiceArgs {
  readonly image: pulumi.Input<string>;
  /** Network alias prefix: replica i answers as `<serviceName>-<i>`, as the ingress expects. */
  readonly serviceName: string;
  /** Number of containers. */
  readonly replicas: number;
  /** Port the app listens on inside its container. */
  readonly port: number;
  /** Path that answers 200 when the app and its database connection are healthy. */
  readonly healthPath: string;
  readonly networkName: pulumi.Input<string>;
  /** Environment; secret values stay secret. */
  readonly env: Record<string, pulumi.Input<string>>;
  /** When set, the containers are created only after it resolves (e.g. a schema migration that must succeed first). */
  readonly startAfter?: pulumi.Input<unknown>;
  /** Where the app reports its unhandled errors; when absent it gets no SENTRY_* variable and reports nothing. */
  readonly errorTracking?: ErrorTracking;
}

/**
 * Probes the health path with the standard library of whichever Python the image has: the legacy image runs 2.7
 * (urllib2), the FastAPI image 3.x (urllib.request), and neither ships curl.
 */
export function pythonHealthProbe(port: number, path: string): string[] {
  const script =
    "import sys;" +
    "m=__import__('urllib.request' if sys.version_info[0]>2 else 'urllib2',fromlist=['urlopen']);" +
    `m.urlopen('http://127.0.0.1:${port}${path}',timeout=2)`;
  return ["CMD", "python", "-c", script];
}

/**
 * The variables the apps' error tracking reads (sentry-sdk takes SENTRY_ENVIRONMENT and SENTRY_RELEASE itself). The DSN
 * holds the project's key, so it is secret: in state, and in the environment as the provider receives it.
 */
function sentryEnv(
  tracking: ErrorTracking,
  app: string,
  image: pulumi.Input<string>,
): Record<string, pulumi.Input<string>> {
  return {
    SENTRY_DSN: pulumi.secret(tracking.sentryDsn),
    SENTRY_ENVIRONMENT: tracking.environment,
    SENTRY_RELEASE: pulumi.output(image).apply((reference) => sentryRelease(app, reference)),
  };
}

/** An HTTP app run as N replica containers on the platform network, health-checked and restarted when they die. */
export class AppService extends pulumi.ComponentResource {
  /** Docker container names, one per replica. */
  readonly containerNames: pulumi.Output<string[]>;

  constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:AppService", name, {}, opts);
    const errorTracking = args.errorTracking ? sentryEnv(args.errorTracking, args.serviceName, args.image) : {};
    const envs = Object.entries({ ...args.env, ...errorTracking, PORT: String(args.port) }).map(
      ([key, value]) => pulumi.interpolate`${key}=${value}`,
    );
    // Passing the image through `startAfter` orders creation without changing any value the provider diffs.
    const image =
      args.startAfter === undefined
        ? pulumi.output(args.image)
        : pulumi.all([args.image, args.startAfter]).apply(([image]) => image);
    const containers = Array.from({ length: args.replicas }, (_, index) => {
      return new docker.Container(
        `${name}-${index}`,
        {
          image,
          envs,
          networksAdvanced: [
            { name: args.networkName, aliases: [replicaHostname(args.serviceName, index), args.serviceName] },
          ],
          healthcheck: {
            tests: pythonHealthProbe(args.port, args.healthPath),
            interval: "5s",
            timeout: "3s",
            retries: 3,
            startPeriod: "10s",
          },
          restart: "unless-stopped",
          wait: true,
          waitTimeout: 180,
        },
        { parent: this },
      );
    });
    this.containerNames = pulumi.all(containers.map((container) => container.name));
    this.registerOutputs({ containerNames: this.containerNames });
  }
}
