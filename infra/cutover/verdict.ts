import type { GateName, GateResult } from "./gates";

/**
 * maxStep cannot be forced: the platform program's own step guard refuses such an update whatever the command
 * decides, so forcing it would only fail later, after the config had been changed.
 */
const UNFORCEABLE_GATES: readonly GateName[] = ["maxStep"];

export type Verdict =
  | { readonly decision: "advance"; readonly gates: readonly GateResult[] }
  | {
      readonly decision: "forced";
      readonly gates: readonly GateResult[];
      readonly overridden: readonly GateResult[];
      readonly reason: string;
    }
  | {
      readonly decision: "refused";
      readonly gates: readonly GateResult[];
      readonly blocking: readonly GateResult[];
      readonly explanation: string;
    };

/** A step goes ahead only when every gate passes, or when `--force --reason` overrides the gates that can be overridden. */
export function decideVerdict(gates: readonly GateResult[], force?: { readonly reason: string }): Verdict {
  const blocking = gates.filter((gate) => gate.outcome !== "pass");
  if (blocking.length === 0) return { decision: "advance", gates };
  const unforceable = blocking.filter((gate) => UNFORCEABLE_GATES.includes(gate.gate));
  if (force && unforceable.length === 0)
    return { decision: "forced", gates, overridden: blocking, reason: force.reason };
  const explanation = force
    ? `--force cannot override ${[...new Set(unforceable.map((gate) => gate.gate))].join(", ")}: the platform program refuses a step larger than maxStep; advance in smaller steps`
    : `${blocking.length} gate${blocking.length === 1 ? "" : "s"} did not pass; wait and try again, or override with --force --reason "..."`;
  return { decision: "refused", gates, blocking, explanation };
}
