const GATE_ROW = /^(\S+)\s+(traffic|errorRatio|latencyP99|bakeTime|maxStep)\s+(pass|fail|inconclusive)\s+(.*)$/gm;

/** Each gate `cutover advance` printed in its verdict table, as "outcome: reason", keyed by gate (one route per step). */
export function gateOutcomes(advanceOutput: string): Record<string, string> {
  return Object.fromEntries(
    [...advanceOutput.matchAll(GATE_ROW)].map(([, , gate, outcome, reason]) => [gate, `${outcome}: ${reason.trim()}`]),
  );
}

/** The gates of gateOutcomes that failed, by name. */
export function failedGates(outcomes: Record<string, string>): string[] {
  return Object.entries(outcomes)
    .filter(([, outcome]) => outcome.startsWith("fail:"))
    .map(([gate]) => gate);
}
