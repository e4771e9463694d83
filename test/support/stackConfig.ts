import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { parseConfigValue } from "../../infra/config/configValue";

export const REPO_ROOT = join(__dirname, "..", "..");

/** The `config:` map of a Pulumi stack file, with values as Pulumi hands them to a program (JSON for non-strings). */
export function stackFileConfig(relativePath: string): Record<string, string> {
  const document = load(readFileSync(join(REPO_ROOT, relativePath), "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(document.config).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

/**
 * The same stack file as the validator receives it: namespace stripped, each value parsed the way the program parses
 * what Pulumi hands it (the CLI may rewrite `10` as `"10"`, and the program must read both alike).
 */
export function stackFileValues(relativePath: string, namespace: string): Record<string, unknown> {
  const prefix = `${namespace}:`;
  return Object.fromEntries(
    Object.entries(stackFileConfig(relativePath))
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), parseConfigValue(value)]),
  );
}
