import { homedir } from "node:os";
import { join } from "node:path";

export interface PulumiEnvironment {
  /** Variables to add to the Pulumi CLI's environment. */
  readonly envVars: Record<string, string>;
  /** What was defaulted, to tell the user. */
  readonly notes: readonly string[];
}

/**
 * The defaults of `npm run up` (scripts/up.sh): a local file backend and the demo passphrase when none is configured,
 * so that the command finds the stacks that script created and can read their config.
 */
export function pulumiEnvironment(env: NodeJS.ProcessEnv): PulumiEnvironment {
  const envVars: Record<string, string> = {};
  const notes: string[] = [];
  if (!env.PULUMI_BACKEND_URL) envVars.PULUMI_BACKEND_URL = `file://${join(homedir(), ".pulumi-migration-state")}`;
  if (!env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    envVars.PULUMI_CONFIG_PASSPHRASE = "migration-dev";
    notes.push('PULUMI_CONFIG_PASSPHRASE is not set: using the demo passphrase "migration-dev"');
  }
  return { envVars, notes };
}
