import { execFileSync } from "node:child_process";
import { expect } from "vitest";
import { DOCKER_PLATFORM_OUTPUTS } from "../../components/docker/names";
import { kubernetesTargetFacts } from "../../components/kubernetes/targetSettings";
import { routeFiguresOf, type RouteFigures } from "../../infra/monitoring/routeBackendSources";
import { routesOf } from "../../infra/routing/route";
import { dockerCgroup, dockerCgroupLayout } from "../bench/cgroupCpu";
import {
  clusterNamespace,
  clusterTestSkipReason,
  freshClusterStacks,
  LOCAL_CLUSTER_SETTINGS,
  PLATFORM_IMAGES,
} from "../cluster/clusterSteps";
import { dockerRouteFigures } from "../support/dockerRouteFigures";
import {
  clusterCommand,
  clusterGateway,
  deleteNamespaceAndItsVolumes,
  kubectl,
  runningPodCgroups,
} from "../support/localCluster";
import { devPlatformConfig } from "../support/configs";
import { CONTAINER_FAULTS } from "./containerFaults";
import { podFaults } from "./podFaults";
import type { TargetFaults } from "./targetFaults";
import { E2E_INGRESS_PORT, E2E_LOGS_PORT, E2E_PROMETHEUS_PORT, E2EStacks, type IngressFlavour } from "./e2eStacks";

export type Target = "docker" | "kubernetes";

/** Which journey an entry of reports/e2e.json belongs to: on Kubernetes, "gateway" is the Gateway API flavour. */
export interface JourneyKey {
  readonly target: Target;
  readonly ingress: IngressFlavour | "gateway";
}

/** The steps of the journey (migration.e2e.ts), by the names a journey skips them by. */
export type Step =
  | "sticky"
  | "logs"
  | "gatedAdvance"
  | "rollout"
  | "rollback"
  | "refuseDecommission"
  | "appFaults"
  | "engineFaults"
  | "decommission";

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
   * (`maxUnavailable: 0`): a journey that runs the `rollout` step has it.
   */
  readonly newFastapiImage?: () => string;
  /** How its faults reach the target's workloads (containers, pods). */
  readonly faults: TargetFaults;
  /** The steps that do not run on the journey, each with why. */
  readonly skips: Partial<Record<Step, string>>;
}

/** Why PostgreSQL's crash and the engine's restart are Docker's steps alone. */
const ENGINE_FAULTS_ON_DOCKER =
  "not yet: PostgreSQL's pod is not crashed on the cluster; the cluster's own stop and kill are npm run test:cluster's";

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
    faults: CONTAINER_FAULTS,
    skips: { rollout: "Docker has no Deployment to roll: a new image replaces FastAPI's containers" },
  };
}

/** What the Gateway API flavour's journey leaves to the CRD flavour's, which runs it on the same target. */
const GATEWAY_SCOPE = "the Gateway API flavour's journey goes through the split and the weight steps";

/**
 * The dev stage on the local cluster, as docs/kubernetes.md tells a user to move it: routed by Traefik's CRDs, or by
 * HTTPRoutes attached to the Gateway the cluster runs (`cluster.sh gateway`, standing in for a user's cluster's own),
 * which cannot keep a client on one backend nor fail over, so the stage turns both off.
 */
function kubernetesJourney(flavour: "traefik" | "gateway"): Journey {
  const name = `kubernetes-${flavour}`;
  const stack = `e2e-${name}`;
  const namespace = clusterNamespace(stack);
  const config = devPlatformConfig({ target: "kubernetes", kubernetes: LOCAL_CLUSTER_SETTINGS });
  const overrides = (): Record<string, unknown> => {
    if (flavour === "traefik") return { "migration:kubernetes": LOCAL_CLUSTER_SETTINGS };
    const { url, ...gateway } = clusterGateway();
    // Clients reach the Gateway, not a Service of the stack: no ingress Service settings.
    const { ingressService, ...settings } = LOCAL_CLUSTER_SETTINGS;
    return {
      "migration:sticky": false,
      "migration:failover": false,
      "migration:kubernetes": { ...settings, gateway: { ...gateway, url } },
    };
  };
  const skips: Journey["skips"] =
    flavour === "traefik"
      ? { engineFaults: ENGINE_FAULTS_ON_DOCKER }
      : {
          sticky: "an HTTPRoute cannot keep a client on one backend",
          logs: GATEWAY_SCOPE,
          gatedAdvance: GATEWAY_SCOPE,
          rollout: GATEWAY_SCOPE,
          rollback:
            "not yet: under this load the cluster's Gateway answered 2 of 2,000 requests with 502 during the rollback (POSTs of a route it left at 0%); npm test's Gateway test rolls back under a lighter load",
          refuseDecommission: GATEWAY_SCOPE,
          appFaults: GATEWAY_SCOPE,
          engineFaults: GATEWAY_SCOPE,
          decommission: GATEWAY_SCOPE,
        };
  return {
    target: "kubernetes",
    ingress: flavour,
    name,
    skipReason: clusterTestSkipReason(`the Kubernetes journey (${flavour})`, PLATFORM_IMAGES),
    fresh: () => freshClusterStacks({ stack, images: PLATFORM_IMAGES, overrides: overrides() }),
    urls: async (stacks) => ({
      ingress: await stacks.platformOutput<string>("ingressUrl"),
      prometheus: await stacks.platformOutput<string>("prometheusUrl"),
      logs: new URL(await stacks.platformOutput<string>("logsUrl")).origin,
    }),
    // With a Gateway, from the apps' own series (the Gateway's metrics are not the stack's to scrape).
    routeFigures:
      flavour === "traefik"
        ? routeFiguresOf("traefik", kubernetesTargetFacts(config, "migration", stack).monitoring.figures, [])
        : routeFiguresOf("traefik", { from: "apps" }, routesOf(config)),
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
    faults: podFaults(namespace),
    skips,
  };
}

/** Docker with each ingress flavour, then the Kubernetes target with each. */
export const JOURNEYS: readonly Journey[] = [
  dockerJourney("traefik"),
  dockerJourney("nginx"),
  kubernetesJourney("traefik"),
  kubernetesJourney("gateway"),
];
