import { execFileSync } from "node:child_process";
import { expect } from "vitest";
import { DOCKER_PLATFORM_OUTPUTS } from "../../components/docker/names";
import { kubernetesTargetFacts } from "../../components/kubernetes/targetSettings";
import { routeFiguresOf, type RouteFigures } from "../../infra/monitoring/routeBackendSources";
import { dockerCgroup, dockerCgroupLayout } from "../bench/cgroupCpu";
import {
  clusterNamespace,
  clusterTestSkipReason,
  freshClusterStacks,
  LOCAL_CLUSTER_SETTINGS,
  PLATFORM_IMAGES,
} from "../cluster/clusterSteps";
import { dockerRouteFigures } from "../support/dockerRouteFigures";
import { clusterCommand, deleteNamespaceAndItsVolumes, kubectl, runningPodCgroups } from "../support/localCluster";
import { devPlatformConfig } from "../support/configs";
import { E2E_INGRESS_PORT, E2E_LOGS_PORT, E2E_PROMETHEUS_PORT, E2EStacks, type IngressFlavour } from "./e2eStacks";

export type Target = "docker" | "kubernetes";

/** Which journey an entry of reports/e2e.json belongs to. */
export interface JourneyKey {
  readonly target: Target;
  readonly ingress: IngressFlavour;
}

/** Where the test reaches the deployed platform from the host. */
export interface JourneyUrls {
  readonly ingress: string;
  readonly prometheus: string;
  /** VictoriaLogs's HTTP API. */
  readonly logs: string;
}

/** What differs between the targets (and flavours) the one journey of migration.e2e.ts runs on. */
export interface Journey extends JourneyKey {
  /** In test names, saved outputs and screenshots: the flavour on Docker, `kubernetes-<flavour>` on the cluster. */
  readonly name: string;
  /** Why the journey cannot run here ("" when it can). */
  readonly skipReason: string;
  /** Its stacks, empty: whatever an interrupted earlier run left (stacks, namespace, claims) removed first. */
  fresh(): Promise<E2EStacks>;
  /** Once the platform is up. */
  urls(stacks: E2EStacks): Promise<JourneyUrls>;
  /** Where the platform's recording rules read each route's figures per backend. */
  readonly routeFigures: RouteFigures;
  /** The `service` the ingress's own log lines carry: its container's name. */
  readonly ingressLogService: string;
  /**
   * The preview of a weight step that changes `routes` routes: the routing updated in place and the weights Prometheus
   * reads, reads, and nothing created, replaced or deleted. On Docker the routing is one file, the weights another, and
   * the one read is the step guard's StackReference; on Kubernetes each route is an object of its own, the weights one
   * more, and the cluster's prerequisites are read too.
   */
  weightStepPreview(routes: number): Record<string, unknown>;
  /** Whether the database's volume (Docker) or claim (Kubernetes) is gone, after the platform's destroy. */
  databaseVolumeGone(): boolean;
  /**
   * What the target keeps after the stacks' destroy, removed, once the journey has checked it: on Kubernetes the
   * namespace and the volumes its claims were bound to, which the cluster (eight volumes) never offers again on its own.
   */
  cleanUp(): void;
  /** The cgroups of the journey's running workloads (its stacks' containers or pods), relative to a controller's root. */
  workloadCgroups(stacks: E2EStacks): Promise<string[]>;
  /**
   * FastAPI's image under a new tag, for the step that rolls FastAPI's Deployment to it one replica at a time
   * (`maxUnavailable: 0`); undefined on Docker, which has no Deployment to roll.
   */
  readonly newFastapiImage?: () => string;
  /**
   * Steps that inject faults into the target's own workloads, with why they do not run on it yet ("" where they do): the
   * gated advance stops FastAPI's containers, the faults crash containers and restart the engine.
   */
  readonly notYet: { readonly gatedAdvance: string; readonly faults: string };
}

const DOCKER_FAULTS_ONLY =
  "the step stops and crashes Docker containers; its Kubernetes form (pods deleted, FastAPI scaled to none) is not built yet";

function dockerJourney(ingress: IngressFlavour): Journey {
  return {
    target: "docker",
    ingress,
    name: ingress,
    skipReason: "",
    fresh: () => E2EStacks.fresh(ingress),
    // The ports the e2e's stack config sets, on the loopback address (the outputs say localhost, which may be ::1).
    urls: async () => ({
      ingress: `http://127.0.0.1:${E2E_INGRESS_PORT}`,
      prometheus: `http://127.0.0.1:${E2E_PROMETHEUS_PORT}`,
      logs: `http://127.0.0.1:${E2E_LOGS_PORT}`,
    }),
    routeFigures: dockerRouteFigures(ingress),
    ingressLogService: "ingress",
    // Every container of both stacks is on the platform's network (Flask joins it).
    workloadCgroups: async (stacks) => {
      const layout = dockerCgroupLayout();
      const network = await stacks.platformOutput<string>(DOCKER_PLATFORM_OUTPUTS.networkName);
      const ids = execFileSync(
        "docker",
        ["network", "inspect", network, "--format", "{{range $id, $c := .Containers}}{{$id}} {{end}}"],
        { encoding: "utf8" },
      )
        .trim()
        .split(" ")
        .filter((id) => id !== "");
      return ids.map((id) => dockerCgroup(layout, id));
    },
    weightStepPreview: () => ({ read: 1, same: expect.any(Number), update: 2 }),
    databaseVolumeGone: () => {
      try {
        execFileSync("docker", ["volume", "inspect", `migration-e2e-${ingress}-pgdata`], { stdio: "ignore" });
        return false;
      } catch {
        return true;
      }
    },
    cleanUp: () => {},
    notYet: { gatedAdvance: "", faults: "" },
  };
}

const KUBERNETES_STACK = "e2e-kubernetes-traefik";

/** The dev stage on the local cluster, Traefik's CRD flavour, as docs/kubernetes.md tells a user to move it. */
function kubernetesJourney(): Journey {
  const overrides = { "migration:kubernetes": LOCAL_CLUSTER_SETTINGS };
  const config = devPlatformConfig({ target: "kubernetes", kubernetes: LOCAL_CLUSTER_SETTINGS });
  const namespace = clusterNamespace(KUBERNETES_STACK);
  return {
    target: "kubernetes",
    ingress: "traefik",
    name: "kubernetes-traefik",
    skipReason: clusterTestSkipReason("the Kubernetes journey", PLATFORM_IMAGES),
    fresh: () => freshClusterStacks({ stack: KUBERNETES_STACK, images: PLATFORM_IMAGES, overrides }),
    urls: async (stacks) => ({
      ingress: await stacks.platformOutput<string>("ingressUrl"),
      prometheus: await stacks.platformOutput<string>("prometheusUrl"),
      logs: new URL(await stacks.platformOutput<string>("logsUrl")).origin,
    }),
    routeFigures: routeFiguresOf(
      "traefik",
      kubernetesTargetFacts(config, "migration", KUBERNETES_STACK).monitoring.figures,
      [],
    ),
    ingressLogService: "traefik",
    workloadCgroups: async () => runningPodCgroups(namespace),
    weightStepPreview: (routes) => ({ read: expect.any(Number), same: expect.any(Number), update: routes + 1 }),
    // The dev stage's image tagged anew: the same program, for the rollout is what is under test.
    newFastapiImage: () => {
      const image = `${config.fastapi.image}-rollout`;
      execFileSync("docker", ["tag", config.fastapi.image, image]);
      clusterCommand("push-images", image);
      return image;
    },
    databaseVolumeGone: () => kubectl("-n", namespace, "get", "pvc", "--ignore-not-found", "-o", "name") === "",
    cleanUp: () => deleteNamespaceAndItsVolumes(namespace),
    notYet: { gatedAdvance: DOCKER_FAULTS_ONLY, faults: DOCKER_FAULTS_ONLY },
  };
}

/** Docker with each ingress flavour, then the Kubernetes target. */
export const JOURNEYS: readonly Journey[] = [dockerJourney("traefik"), dockerJourney("nginx"), kubernetesJourney()];
