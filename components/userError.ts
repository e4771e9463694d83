import * as pulumi from "@pulumi/pulumi";

/**
 * A RunError for a problem the user must fix (a refused config, a failed migration), without stack frames. Pulumi
 * prints only a RunError's message, but its handler first formats the whole error with util.inspect, and Node 20 and 22
 * loop until memory runs out on a source-mapped frame of @pulumi/pulumi such as `.../node_modules/@pulumi/resource.ts`
 * (a scoped package directory with no slash after the file name): a refused `pulumi preview` spent 15 s there, in a
 * RangeError, before it could exit.
 */
export function userError(message: string): pulumi.RunError {
  const error = new pulumi.RunError(message);
  error.stack = `${error.name}: ${message}`;
  return error;
}
