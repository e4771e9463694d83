import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_OUTPUTS } from "../../infra/contract/platformOutputs";
import type { MigrationMap } from "../../infra/routing/route";
import { parseSnapshot } from "../../infra/routing/snapshot";

/** Reads the migration map this very stack exported at its last successful update (undefined before the first). */
export async function readDeployedMap(): Promise<MigrationMap | undefined> {
  const self = new pulumi.StackReference("deployed-migration-map", {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  const exported = await self.getOutputDetails(PLATFORM_OUTPUTS.migrationMap);
  return parseSnapshot(exported.value);
}
