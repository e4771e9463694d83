// Called by each Pulumi program's entry point, which runs after ts-node has installed its source-map support.
//
// @pulumi/pulumi formats a call stack for its own bookkeeping at every resource (the resource's source position, with
// Error.stackTraceLimit raised to Infinity) and at every promise it tracks (kept in case the promise leaks, printed
// only then). ts-node maps each frame of each of them through source maps: a CPU profile of one program run showed
// 0.6 s of the run in that mapping, and `pulumi up` runs the program twice. Those two kinds of stack are formatted
// here as V8 would without source maps; every other stack, such as an error the program throws, is still mapped.
// A tracked promise's stack is formatted only if it is ever printed (Pulumi only puts it in a template string): with
// every frame formatted at once, those stacks still took a tenth of a second of each program run.
// Should Pulumi rename what is matched here, its stacks are simply mapped again: slower, never wrong.

function unmapped(error: Error, frames: readonly NodeJS.CallSite[]): string {
  return `${error}\n${frames.map((frame) => `    at ${frame}`).join("\n")}`;
}

/** Wraps the installed stack formatter (ts-node's source-map support) so that it skips Pulumi's bookkeeping stacks. */
export function leaveBookkeepingStacksUnmapped(): void {
  const mapStack = Error.prepareStackTrace;
  if (!mapStack) return;
  Error.prepareStackTrace = (error, frames) => {
    if (frames[0]?.getFunctionName() === "debuggablePromise") return { toString: () => unmapped(error, frames) };
    if (Error.stackTraceLimit === Number.POSITIVE_INFINITY) return unmapped(error, frames);
    return mapStack(error, frames);
  };
}
