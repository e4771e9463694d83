import { describe, expect, it } from "vitest";
import { judgeControlPlane } from "../bench/controlPlaneFigures";
import { median } from "../bench/median";

const runs = (seconds: number[]) => ({
  rollbackTrafficOnFlask: seconds,
  weightStep: seconds,
  status: seconds,
  gatedAdvance: seconds,
  previewRefusingBadValue: seconds,
});

describe("the control-plane bench's figures", () => {
  it("takes the middle run, or the mean of the two middle ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("judges each operation's median against its own bar, a bar met exactly included", () => {
    const figures = judgeControlPlane({ ...runs([1, 2, 9]), status: [3, 3, 40] });
    expect(figures.status).toMatchObject({ medianSeconds: 3, barSeconds: 3, verdict: "pass" });
    expect(figures.rollbackTrafficOnFlask).toMatchObject({ medianSeconds: 2, verdict: "pass" });
    expect(judgeControlPlane(runs([9, 9, 1])).weightStep).toMatchObject({ medianSeconds: 9, verdict: "miss" });
  });

  it("counts a run that never finished as a miss, not as a fast run", () => {
    expect(judgeControlPlane(runs([Infinity, Infinity, 1])).status.verdict).toBe("miss");
  });
});
