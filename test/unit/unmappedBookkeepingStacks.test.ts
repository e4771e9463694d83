import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { leaveBookkeepingStacksUnmapped } from "../../infra/runtime/unmappedBookkeepingStacks";

/** Stands in for ts-node's source-map support: marks every stack it formats. */
const sourceMapped = (error: Error, frames: NodeJS.CallSite[]) => `MAPPED ${error}\n${frames.length}`;

// The name @pulumi/pulumi gives the function that keeps a stack for every promise it tracks.
function debuggablePromise(): unknown {
  return new Error().stack;
}

function resourceSourcePosition(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Number.POSITIVE_INFINITY;
  try {
    return new Error().stack;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

describe("the stacks Pulumi formats for its own bookkeeping", () => {
  let installed: typeof Error.prepareStackTrace;

  beforeEach(() => {
    installed = Error.prepareStackTrace;
    Error.prepareStackTrace = sourceMapped;
    leaveBookkeepingStacksUnmapped();
  });

  afterEach(() => {
    Error.prepareStackTrace = installed;
  });

  it("skips source maps for a resource's source position and a tracked promise, in V8's own format", () => {
    // A tracked promise's stack is printed the way Pulumi prints it, in a template string.
    for (const stack of [resourceSourcePosition(), `${debuggablePromise()}`]) {
      expect(stack).not.toMatch(/^MAPPED/);
      expect(stack).toMatch(/^Error\n {4}at .*unmappedBookkeepingStacks\.test\.ts:\d+:\d+/);
    }
  });

  it("formats a tracked promise's stack only when it is printed", () => {
    const stack = debuggablePromise();
    expect(typeof stack).toBe("object");
    expect(String(stack)).toMatch(/^Error\n {4}at debuggablePromise /);
  });

  it("still maps every other stack, such as an error the program throws", () => {
    expect(new Error("bad config").stack).toMatch(/^MAPPED Error: bad config\n\d+$/);
  });
});
