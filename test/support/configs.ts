import type { PlatformConfig } from "../../infra/config/schema";
import { validatePlatformConfig } from "../../infra/config/validate";
import type { WeightedRoute } from "../../infra/routing/route";
import { stackFileValues } from "./stackConfig";

/**
 * The validated dev stack config, optionally with other routes and weights or another target (raw `migration:kubernetes`
 * settings, validated like the rest), for tests of what comes after validation.
 */
export function devPlatformConfig(
  overrides: {
    routes?: readonly WeightedRoute[];
    defaultWeight?: number;
    sticky?: boolean;
    failover?: boolean;
    target?: PlatformConfig["target"];
    kubernetes?: Record<string, unknown>;
  } = {},
): PlatformConfig {
  const raw = { ...stackFileValues("Pulumi.dev.yaml", "migration"), ...overrides };
  const result = validatePlatformConfig(raw, "migration");
  if (!result.ok) throw new Error(`test config is invalid: ${JSON.stringify(result.issues)}`);
  return result.value;
}
