import { median } from "./median";

/** The operations the control-plane section times, each as a user runs it, with the bar it must meet (seconds). */
export const CONTROL_PLANE_BARS = {
  /** `npm run cutover -- rollback`: from the command's start until every probe is answered by Flask. */
  rollbackTrafficOnFlask: 2,
  /** `pulumi config set <weight> && pulumi up --yes`, wall. */
  weightStep: 8,
  /** `npm run cutover -- status`, wall. */
  status: 3,
  /** `npm run cutover -- advance` judged by the gates, updated and verified, wall. */
  gatedAdvance: 15,
  /** `pulumi preview` of a config value the program refuses, wall. */
  previewRefusingBadValue: 5,
} as const;

export type ControlPlaneOperation = keyof typeof CONTROL_PLANE_BARS;
export const CONTROL_PLANE_OPERATIONS = Object.keys(CONTROL_PLANE_BARS) as ControlPlaneOperation[];

export interface OperationFigures {
  readonly seconds: readonly number[];
  readonly medianSeconds: number;
  readonly barSeconds: number;
  readonly verdict: "pass" | "miss";
}

/** Each operation's runs, their median and the verdict against its bar; a run that failed counts as infinitely slow. */
export function judgeControlPlane(
  runs: Record<ControlPlaneOperation, readonly number[]>,
): Record<ControlPlaneOperation, OperationFigures> {
  return Object.fromEntries(
    CONTROL_PLANE_OPERATIONS.map((operation) => {
      const medianSeconds = median(runs[operation]);
      const barSeconds = CONTROL_PLANE_BARS[operation];
      return [
        operation,
        {
          seconds: runs[operation],
          medianSeconds,
          barSeconds,
          verdict: medianSeconds <= barSeconds ? "pass" : "miss",
        },
      ];
    }),
  ) as Record<ControlPlaneOperation, OperationFigures>;
}
