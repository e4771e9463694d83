import { workloadLabels } from "../../components/kubernetes/labels";
import { kubectlAsync, labelSelector } from "../support/localCluster";
import { waitFor } from "../support/processes";
import type { TargetFaults } from "./targetFaults";

type App = "fastapi" | "flask";

/** The label selector of an app's pods (its Deployment is named after it, as its pods' labels are). */
const selector = (app: App) => labelSelector(workloadLabels(app));

/**
 * Faults on Kubernetes, in the journey's namespace: a pod force-deleted (no drain: the kubelet kills its containers
 * at once, and the ReplicaSet starts another), and FastAPI's Deployment scaled to none for an outage. kubectl runs
 * asynchronously, so that the steady load it runs under is not held up.
 */
export function podFaults(namespace: string): TargetFaults {
  const kubectl = (...args: string[]) => kubectlAsync("-n", namespace, ...args);
  const runningPods = async (app: App) =>
    (await kubectl("get", "pods", "-l", selector(app), "--field-selector=status.phase=Running", "-o", "name"))
      .split("\n")
      .filter((name) => name !== "")
      .map((name) => name.replace(/^pod\//, ""));
  const desiredReplicas = async (app: App) =>
    Number(await kubectl("get", "deployment", app, "-o", "jsonpath={.spec.replicas}"));
  /** Names of an app's pods that are ready and not on their way out. */
  const readyPods = async (app: App) =>
    (
      await kubectl(
        "get",
        "pods",
        "-l",
        selector(app),
        "-o",
        'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status} {.metadata.deletionTimestamp}{"\\n"}{end}',
      )
    )
      .split("\n")
      .map((line) => line.trim().split(" "))
      .filter(([, ready, deleting]) => ready === "True" && deleting === undefined)
      .map(([name]) => name);
  /** When the app has its replica count of ready pods again, `victim` not among them. */
  const replacedAt = async (app: App, victim: string, timeoutMs: number) => {
    const replicas = await desiredReplicas(app);
    return waitFor(
      `${app} on ${replicas} ready pods again after ${victim} was deleted`,
      async () =>
        (await readyPods(app)).filter((name) => name !== victim).length >= replicas ? Date.now() : undefined,
      timeoutMs,
      200,
    );
  };
  return {
    kill: "pod deleted",
    otherBackendTakesOver: false,
    replicas: async () => ({ fastapi: await runningPods("fastapi"), flask: await runningPods("flask") }),
    fastapiOutage: async () => {
      const replicas = await desiredReplicas("fastapi");
      await kubectl("scale", "deployment/fastapi", "--replicas=0");
      return {
        restore: async () => {
          // The stack's own replica count again: Pulumi's next apply of the Deployment sets the same value, so it meets
          // no conflict over the field kubectl took.
          await kubectl("scale", "deployment/fastapi", `--replicas=${replicas}`);
          await kubectl("rollout", "status", "deployment/fastapi", "--timeout=120s");
        },
      };
    },
    killReplica: async (pod) => {
      const killedAt = Date.now();
      await kubectl("delete", "pod", pod, "--grace-period=0", "--force", "--wait=false");
      return killedAt;
    },
    restartCount: async (pod) =>
      (await kubectl("get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[*].restartCount}"))
        .split(" ")
        .reduce((sum, count) => sum + Number(count), 0),
    fastapiBack: (pod, _since, timeoutMs) => replacedAt("fastapi", pod, timeoutMs),
    flaskLiveSince: (pod, _since, timeoutMs) => replacedAt("flask", pod, timeoutMs),
    outageNamedBy: { gate: "traffic", says: /^inconclusive: .* FastAPI \d+ requests/ },
  };
}
