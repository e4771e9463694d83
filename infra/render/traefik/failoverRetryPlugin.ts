import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StaticFile } from "../../plan/platformPlan";

/**
 * The project's Traefik middleware that sends a safe request once more when Traefik itself failed it (the Go source
 * and its manifest in ./failoverRetry, interpreted by Traefik at start-up). Its name in the static configuration, and
 * the module name under which Traefik looks for it.
 */
export const FAILOVER_RETRY_PLUGIN = "failoverretry";
const MODULE_NAME = "migration.local/failoverretry";
const SOURCE_DIRECTORY = join(__dirname, "failoverRetry");
const SOURCE_FILES = [".traefik.yml", "failoverretry.go"];

/** The static configuration that loads the plugin. */
export const failoverRetryPluginConfig = { localPlugins: { [FAILOVER_RETRY_PLUGIN]: { moduleName: MODULE_NAME } } };

/**
 * The plugin's files where Traefik reads local plugins: ./plugins-local/src/<module name> under its working directory
 * (the image's, "/", in a container).
 */
export function failoverRetryPluginFiles(workingDirectory: string): StaticFile[] {
  return SOURCE_FILES.map((file) => ({
    path: join(workingDirectory, "plugins-local", "src", MODULE_NAME, file),
    content: readFileSync(join(SOURCE_DIRECTORY, file), "utf8"),
  }));
}
