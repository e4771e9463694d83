import type { PlatformConfig, RouteConfig } from "../../infra/config/schema";
import { validatePlatformConfig } from "../../infra/config/validate";
import { stackFileValues } from "./stackConfig";

/** The validated dev stack config, optionally with other routes and weights, for tests of what comes after validation. */
export function devPlatformConfig(
  overrides: { routes?: RouteConfig[]; defaultWeight?: number; sticky?: boolean } = {},
): PlatformConfig {
  const raw = { ...stackFileValues("Pulumi.dev.yaml", "migration"), ...overrides };
  const result = validatePlatformConfig(raw, "migration");
  if (!result.ok) throw new Error(`test config is invalid: ${JSON.stringify(result.issues)}`);
  return result.value;
}
