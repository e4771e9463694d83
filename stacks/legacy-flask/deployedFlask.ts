import type * as pulumi from "@pulumi/pulumi";

/** Flask as one target runs it: the resource the decommission guard follows, and the stack's outputs of that target. */
export interface DeployedFlask {
  readonly flask: pulumi.Resource;
  readonly outputs: Record<string, pulumi.Output<unknown>>;
}
