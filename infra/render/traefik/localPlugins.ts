import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StaticFile } from "../../plan/platformPlan";

/**
 * The project's Traefik middleware that sends a safe request once more when Traefik itself failed it (Go source and
 * manifest in ./failoverRetry). Its name in the static and dynamic configuration.
 */
export const FAILOVER_RETRY_PLUGIN = "failoverretry";

/**
 * The project's Traefik middleware that answers every request itself with the body of its configuration (Go source and
 * manifest in ./staticResponse). Its name in the static and dynamic configuration.
 */
export const STATIC_RESPONSE_PLUGIN = "staticresponse";

/** A plugin Traefik interprets at start-up from its source: its name, and the folder beside this file holding it. */
interface LocalPlugin {
  readonly name: string;
  readonly sourceDirectory: string;
}

const LOCAL_PLUGINS: readonly LocalPlugin[] = [
  { name: FAILOVER_RETRY_PLUGIN, sourceDirectory: "failoverRetry" },
  { name: STATIC_RESPONSE_PLUGIN, sourceDirectory: "staticResponse" },
];

/** The module name under which Traefik looks for a plugin, the `import` of its manifest. */
const moduleName = (plugin: LocalPlugin) => `migration.local/${plugin.name}`;

/** What Traefik needs of a plugin: its manifest and its one Go file (go.mod serves only `go vet`). */
const sourceFiles = (plugin: LocalPlugin) => [".traefik.yml", `${plugin.name}.go`];

/** The static configuration's `experimental` section, which loads every project plugin. */
export const localPluginsConfig = {
  localPlugins: Object.fromEntries(LOCAL_PLUGINS.map((plugin) => [plugin.name, { moduleName: moduleName(plugin) }])),
};

/**
 * Every project plugin's files where Traefik reads local plugins: ./plugins-local/src/<module name> under its working
 * directory (the image's, "/", in a container).
 */
export function localPluginFiles(workingDirectory: string): StaticFile[] {
  return LOCAL_PLUGINS.flatMap((plugin) =>
    sourceFiles(plugin).map((file) => ({
      path: join(workingDirectory, "plugins-local", "src", moduleName(plugin), file),
      content: readFileSync(join(__dirname, plugin.sourceDirectory, file), "utf8"),
    })),
  );
}
