import type { ConfigPath } from "../infra/config/issues";
import type { WeightChange } from "../infra/cutover/nextStep";
import type { MetricsReading } from "../infra/cutover/routeFigures";
import type { Probe, SplitJudgement } from "../infra/cutover/splitCheck";
import type { UpdateRecord } from "../infra/cutover/stepHistory";
import type { MigrationMap } from "../infra/routing/route";
import type { PlatformConfig } from "../infra/config/schema";
import type { ClusterPlacement } from "../components/kubernetes/clusterPlacement";

/**
 * The stack operations the commands need, and nothing else: the pulumi CLI implements it (pulumiStack.ts);
 * tests pass a small fake.
 */
export interface MigrationStack {
  readonly name: string;
  /** The config namespace: the project's name in Pulumi.yaml. */
  readonly namespace: string;
  /** Every config key of the stack, `key → value` as `pulumi config` shows it. */
  configValues(): Promise<Record<string, string>>;
  /** The outputs of the last update; empty before the first. */
  outputs(): Promise<Record<string, unknown>>;
  history(): Promise<UpdateRecord[]>;
  /** Writes weights into the stack's config (`pulumi config set --path`). */
  setWeights(weights: ReadonlyArray<{ readonly configPath: ConfigPath; readonly weight: number }>): Promise<void>;
  /** `pulumi up`, recording the message in the update history; progress is streamed to `onOutput`. */
  up(message: string, onOutput: (text: string) => void): Promise<void>;
  /** `pulumi preview` of the config with the changes applied; the stack's config file is left untouched. */
  preview(changes: readonly WeightChange[], onOutput: (text: string) => void): Promise<void>;
}

/** What one route must show after an update; no probe when no request can reach the route. */
export interface SplitExpectation {
  readonly routeId: string;
  readonly weight: number;
  readonly probe?: Probe;
}

export interface RouteVerification {
  readonly routeId: string;
  readonly expectedWeight: number;
  /** The last round's judgement; absent for a route that could not be probed. */
  readonly judgement?: SplitJudgement;
}

export interface SplitVerification {
  readonly converged: boolean;
  /** From the first probe to the matching round (or to giving up). */
  readonly seconds: number;
  readonly routes: readonly RouteVerification[];
}

/**
 * Where the commands ask Prometheus: at its URL, or, on Kubernetes, at its Service (`<name>:<port>`) through the
 * cluster's API server (components/kubernetes/serviceProxy.ts), which the kubeconfig reaches wherever the command runs.
 */
export type PrometheusLocation =
  | { readonly url: string }
  | { readonly cluster: Pick<ClusterPlacement, "namespace" | "kubeconfig" | "context">; readonly service: string };

/** Everything the commands reach outside themselves; main.ts wires the real ones. */
export interface CutoverDeps {
  openStack(name: string): Promise<MigrationStack>;
  readMetrics(prometheus: PrometheusLocation): Promise<MetricsReading>;
  verifySplit(ingressUrl: string, expectations: readonly SplitExpectation[]): Promise<SplitVerification>;
  /**
   * Routing for `map` published to the running ingress now, ahead of the update that records it (cli/routingNow.ts).
   */
  publishRoutingNow(
    stack: Pick<MigrationStack, "name" | "namespace">,
    config: PlatformConfig,
    map: MigrationMap,
  ): Promise<void>;
  currentUser(): string;
  now(): Date;
  /** A line (or block) of the command's own output. */
  print(text: string): void;
  /** Pulumi's streamed progress, passed through as it comes. */
  progress(text: string): void;
}
