import * as pulumi from "@pulumi/pulumi";
import { parseConfigValue } from "../../infra/config/configValue";

/**
 * The only place the platform reads configuration. It takes every key of the namespace, not just the known ones, so a
 * misspelt key is reported instead of silently ignored.
 */
export function readNamespaceConfig(namespace: string): Record<string, unknown> {
  const prefix = `${namespace}:`;
  return Object.fromEntries(
    Object.entries(pulumi.runtime.allConfig())
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), parseConfigValue(value)]),
  );
}
