/** What the decommission guard decides when the legacy stack is destroyed. */
export type DecommissionVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * Flask may go only once the platform sends it nothing. `flaskTraffic` is the platform's exported list of routes that
 * still reach Flask; anything unreadable counts as "still routed", because guessing wrong here drops live traffic.
 * Kept free of imports: the guard's provider code is serialised into the stack's state.
 */
export function decommissionVerdict(
  platformStack: string,
  flaskTraffic: unknown,
  forced: boolean,
): DecommissionVerdict {
  if (forced) return { allowed: true };
  if (!Array.isArray(flaskTraffic)) {
    return {
      allowed: false,
      reason:
        `cannot read output "flaskTraffic" of platform stack ${platformStack}, so it is unknown whether Flask still receives ` +
        "traffic. If the platform is really gone, set legacy-flask:forceDecommission to true, run `pulumi up`, then destroy.",
    };
  }
  if (flaskTraffic.length === 0) return { allowed: true };
  return {
    allowed: false,
    reason:
      `platform stack ${platformStack} still routes traffic to Flask:\n` +
      flaskTraffic.map((route) => `  - ${String(route)}`).join("\n") +
      "\nSet those weights to 100 in the platform stack and run `pulumi up` there first; then destroy this stack.",
  };
}
