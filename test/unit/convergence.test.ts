import { describe, expect, it } from "vitest";
import { convergeSeconds, settledAt, SPLIT_WINDOW, type ObservedResponse } from "../e2e/convergence";

/** Responses 10 ms apart from `start`, each served by the backend `pick(index)` names. */
const stream = (count: number, start: number, pick: (index: number) => string | undefined): ObservedResponse[] =>
  Array.from({ length: count }, (_, index) => ({ at: start + index * 10, backend: pick(index) }));

describe("when a route settled on its new weight", () => {
  it("settles a move to 100 after the last Flask response, failures aside", () => {
    const responses = stream(100, 0, (index) => (index === 0 ? undefined : index < 60 ? "flask" : "fastapi"));
    expect(settledAt(responses, 50, 100, 0)).toBe(590);
  });

  it("settles a rollback to 0 after the last FastAPI response", () => {
    const responses = stream(50, 1000, (index) => (index < 10 ? "fastapi" : "flask"));
    expect(settledAt(responses, 100, 0, 1000)).toBe(1090);
  });

  it("counts a move that never saw the wrong backend as settled when the step began", () => {
    expect(
      settledAt(
        stream(10, 500, () => "fastapi"),
        50,
        100,
        500,
      ),
    ).toBe(500);
  });

  it("settles a split at the end of the first window near the new weight that stays near it", () => {
    // 10% (every tenth) for 200 responses, then 50% (every other one).
    const responses = stream(400, 0, (index) =>
      index < 200 ? (index % 10 === 0 ? "fastapi" : "flask") : index % 2 === 0 ? "fastapi" : "flask",
    );
    const settled = settledAt(responses, 10, 50, 0)!;
    expect(settled).toBeGreaterThan(2000);
    expect(settled).toBeLessThanOrEqual((200 + SPLIT_WINDOW) * 10);
  });

  it("does not settle a split that falls back to the old weight before the end", () => {
    const responses = stream(400, 0, (index) =>
      index >= 100 && index < 300 ? (index % 2 === 0 ? "fastapi" : "flask") : index % 10 === 0 ? "fastapi" : "flask",
    );
    expect(settledAt(responses, 10, 50, 0)).toBeUndefined();
  });

  it("cannot judge a split from fewer responses than one window", () => {
    expect(
      settledAt(
        stream(SPLIT_WINDOW - 1, 0, (index) => (index % 2 ? "fastapi" : "flask")),
        10,
        50,
        0,
      ),
    ).toBeUndefined();
  });

  it("measures convergence from the moment pulumi up returned, never below zero", () => {
    expect(convergeSeconds(12_500, 10_000)).toBe(2.5);
    expect(convergeSeconds(9_000, 10_000)).toBe(0);
    expect(convergeSeconds(undefined, 10_000)).toBeUndefined();
  });
});
