import type { E2EStacks } from "./e2eStacks";

/** A fault that lasts until it is restored. */
export interface Outage {
  /** Brings the workloads back and waits until every one of them serves again. */
  restore(): Promise<void>;
}

/**
 * How the journey's faults reach a target's own workloads: containers on Docker, pods on Kubernetes. A replica is named
 * as the target names it (a container's name, a pod's).
 */
export interface TargetFaults {
  /** How a replica is killed here, as the fault entries name it. */
  readonly kill: string;
  /**
   * Whether the other backend takes a backend's share of a route when it has no live replica (GETs included): Docker's
   * flavours fail over; Traefik's CRDs cannot (infra/render/traefik/kubernetesRouting.ts), so Flask's only replica
   * killed fails its share until Kubernetes has replaced it.
   */
  readonly otherBackendTakesOver: boolean;
  /** FastAPI's replicas and Flask's, running now. */
  replicas(stacks: E2EStacks): Promise<{ readonly fastapi: string[]; readonly flask: string[] }>;
  /** Every FastAPI replica down until `restore`: the ingress answers 5xx for FastAPI's share, as in a real outage. */
  fastapiOutage(stacks: E2EStacks): Promise<Outage>;
  /** The replica killed without draining, as a crash or a node's loss kills it; returns when. */
  killReplica(replica: string): Promise<number>;
  /** How many times the target has restarted the replica's process, to tell a fault's victim from its bystanders. */
  restartCount(replica: string): Promise<number>;
  /** When FastAPI serves on all its replicas again, after `replica` was killed at `since`. */
  fastapiBack(replica: string, since: number, timeoutMs: number): Promise<number>;
  /**
   * From when a response of Flask's, after its only replica was killed at `since`, comes from a live replica rather
   * than from the victim's last moments: a second after the kill on Docker (SIGKILL is at once; what answered before was
   * in flight), and once Flask's replacement pod is ready on Kubernetes (a force-deleted pod's containers still answer
   * for a moment while the kubelet stops them).
   */
  flaskLiveSince(replica: string, since: number, timeoutMs: number): Promise<number>;
  /**
   * The gate that names FastAPI's outage, and what it says: Docker's ingress answers FastAPI's share with 5xx counted
   * against FastAPI (the error ratio); Traefik's CRDs, with FastAPI's Service empty, answer it without counting a
   * FastAPI request at all, so there the traffic gate is the one that refuses.
   */
  readonly outageNamedBy: { readonly gate: "errorRatio" | "traffic"; readonly says: RegExp };
}
