import { ContainerOutage } from "./containerOutage";
import { crash, healthyAgain, restartCount } from "./faults";
import type { TargetFaults } from "./targetFaults";

/** Faults on Docker: a container's process killed from the host, and FastAPI's containers stopped for an outage. */
export const CONTAINER_FAULTS: TargetFaults = {
  kill: "crash",
  otherBackendTakesOver: true,
  replicas: async (stacks) => ({
    fastapi: await stacks.platformOutput<string[]>("fastapiContainers"),
    flask: await stacks.legacyOutput<string[]>("containers"),
  }),
  fastapiOutage: async (stacks) => ContainerOutage.begin(await stacks.platformOutput<string[]>("fastapiContainers")),
  killReplica: crash,
  restartCount,
  fastapiBack: healthyAgain,
  flaskLiveSince: async (_replica, since) => since + 1_000,
  outageNamedBy: { gate: "errorRatio", says: /^fail: FastAPI 5xx ratio/ },
};
