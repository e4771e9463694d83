import * as pulumi from "@pulumi/pulumi";

/**
 * `value`, known only once `startAfter` has resolved (when given): passing a resource's input (an app's image) through
 * it orders the resource's creation after something else without changing any value the provider diffs.
 */
export function resolvedAfter(value: string, startAfter: pulumi.Input<unknown> | undefined): pulumi.Output<string> {
  return startAfter === undefined
    ? pulumi.output(value)
    : pulumi.all([value, startAfter]).apply(([resolved]) => resolved);
}
