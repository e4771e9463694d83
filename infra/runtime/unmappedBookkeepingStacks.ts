// Called by each Pulumi program's entry point, which runs after ts-node has installed its source-map support.
//
// @pulumi/pulumi formats a call stack for its own bookkeeping at every resource (the resource's source position, with
// Error.stackTraceLimit raised to Infinity) and at every promise it tracks (kept in case the promise leaks, printed
// only then). ts-node maps each frame of each of them through source maps: a CPU profile of one program run showed
// 0.6 s of the run in that mapping, and `pulumi up` runs the program twice. Those two kinds of stack are formatted
// here as V8 would without source maps; every other stack, such as an error the program throws, is still mapped.
// Should Pulumi rename what is matched here, its stacks are simply mapped again: slower, never wrong.

function isPulumiBookkeeping(frames: readonly NodeJS.CallSite[]): boolean {
  return Error.stackTraceLimit === Number.POSITIVE_INFINITY || frames[0]?.getFunctionName() === "debuggablePromise";
}

/** Wraps the installed stack formatter (ts-node's source-map support) so that it skips Pulumi's bookkeeping stacks. */
export function leaveBookkeepingStacksUnmapped(): void {
  const mapStack = Error.prepareStackTrace;
  if (!mapStack) return;
  Error.prepareStackTrace = (error, frames) =>
    isPulumiBookkeeping(frames)
      ? `${error}\n${frames.map((frame) => `    at ${frame}`).join("\n")}`
      : mapStack(error, frames);
}
