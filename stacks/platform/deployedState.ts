import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_OUTPUTS } from "../../infra/contract/platformOutputs";
import type { PlatformConfig } from "../../infra/config/schema";
import type { MigrationMap } from "../../infra/routing/route";
import { parseSnapshot } from "../../infra/routing/snapshot";
import { deployedTargetOf } from "../../infra/routing/targetGuard";

/** What this very stack exported at its last successful update; all undefined before the first. */
export interface DeployedState {
  readonly map?: MigrationMap;
  readonly target?: PlatformConfig["target"];
  readonly placement?: string;
}

export async function readDeployedState(): Promise<DeployedState> {
  const self = new pulumi.StackReference("deployed-migration-map", {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  const [map, target, placement] = await Promise.all([
    self.getOutputDetails(PLATFORM_OUTPUTS.migrationMap),
    self.getOutputDetails(PLATFORM_OUTPUTS.target),
    self.getOutputDetails(PLATFORM_OUTPUTS.placement),
  ]);
  const deployedMap = parseSnapshot(map.value);
  return {
    map: deployedMap,
    target: deployedTargetOf(deployedMap !== undefined, target.value),
    placement: typeof placement.value === "string" ? placement.value : undefined,
  };
}
