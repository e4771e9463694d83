import { describeChanges, type WeightChange } from "./nextStep";
import { formatTable } from "./textTable";
import type { Verdict } from "./verdict";

/** What `advance` prints before it acts: the step, every gate with its reason, and the decision. */
export function renderVerdict(changes: readonly WeightChange[], verdict: Verdict): string {
  const table = formatTable(
    ["ROUTE", "GATE", "OUTCOME", "REASON"],
    verdict.gates.map((gate) => [gate.routeId, gate.gate, gate.outcome, gate.reason]),
  );
  const decision =
    verdict.decision === "advance"
      ? "Every gate passes."
      : verdict.decision === "forced"
        ? `Forced past ${verdict.overridden.map((gate) => `${gate.gate} (${gate.routeId}: ${gate.outcome})`).join(", ")}; reason: ${verdict.reason}`
        : `Refused: ${verdict.explanation}.`;
  return [`Step: ${describeChanges(changes)}`, "", table, "", decision].join("\n");
}
