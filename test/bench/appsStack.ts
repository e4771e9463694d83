import type { PlatformConfig } from "../../infra/config/schema";
import { E2EStacks } from "../e2e/e2eStacks";
import { devPlatformConfig } from "../support/configs";
import { freePort } from "../support/processes";
import { APP_CPU, CLIENT_CPU, containerAddress, containerOnNetwork, pin } from "./cpuPlacement";

export const APPS = ["flask", "fastapi"] as const;
export type App = (typeof APPS)[number];

/** The dev stage's app deployments, Flask's as the platform runs it itself. */
export interface DevApps {
  readonly flask: Extract<PlatformConfig["flask"], { mode: "managed" }>;
  readonly fastapi: PlatformConfig["fastapi"];
}

export function devApps(): DevApps {
  const { flask, fastapi } = devPlatformConfig();
  if (flask.mode !== "managed") throw new Error("the dev stage must run Flask itself (migration:flask.mode managed)");
  return { flask, fastapi };
}

/**
 * Runs `measure` against Flask and FastAPI as the platform runs them: one dev-like stack (`bench-apps`) with one
 * replica of each, the apps pinned to the app core and the database to the client's, each reached at its container
 * address. The stack is destroyed afterwards, whatever happened.
 */
export async function withPinnedApps<T>(
  config: DevApps,
  measure: (baseUrls: Record<App, string>) => Promise<T>,
): Promise<T> {
  const overrides = {
    "migration:flask": { ...config.flask, replicas: 1 },
    "migration:fastapi": { ...config.fastapi, replicas: 1 },
    // Nothing else on the machine's two cores: no Prometheus scraping, no log pipeline shipping every access line.
    "migration:monitoring": { enabled: false },
    // The ingress is not measured here; a port of its own keeps the e2e's and a developer's free.
    "migration:ingressPort": await freePort(),
  };
  const stacks = await E2EStacks.fresh("traefik", "bench-apps", overrides);
  try {
    await stacks.upPlatform();
    await stacks.upLegacy();
    const network = await stacks.platformOutput<string>("networkName");
    const [fastapi] = await stacks.platformOutput<string[]>("fastapiContainers");
    const [flask] = (await stacks.legacy.outputs()).containers.value as string[];
    pin(flask, APP_CPU);
    pin(fastapi, APP_CPU);
    pin(containerOnNetwork(network, "database"), CLIENT_CPU);
    return await measure({
      flask: `http://${containerAddress(flask)}:${config.flask.port}`,
      fastapi: `http://${containerAddress(fastapi)}:${config.fastapi.port}`,
    });
  } finally {
    await stacks.tearDown();
  }
}
