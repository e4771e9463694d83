import { parseConfigValue } from "./configValue";

/**
 * The keys of one namespace from a whole stack config (`migration:defaultWeight` → `defaultWeight`), each value parsed
 * the way the program parses what Pulumi hands it. For readers outside the program (the cutover command), which get
 * the same `key → string` map from `pulumi config` or from the stack's update history.
 */
export function namespaceValues(config: Readonly<Record<string, string>>, namespace: string): Record<string, unknown> {
  const prefix = `${namespace}:`;
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), parseConfigValue(value)]),
  );
}
