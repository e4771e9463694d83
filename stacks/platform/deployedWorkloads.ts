import type * as pulumi from "@pulumi/pulumi";

/**
 * The workloads a target has deployed so far, by the plan's names: how the plan's start order (`startsAfter`) becomes
 * the resources' dependencies. A name the plan orders after but nobody deployed is a bug in the target, reported as such.
 */
export class DeployedWorkloads {
  private readonly byName = new Map<string, pulumi.Resource>();

  add(name: string, resource: pulumi.Resource): void {
    this.byName.set(name, resource);
  }

  all(names: readonly string[]): pulumi.Resource[] {
    return names.map((name) => {
      const resource = this.byName.get(name);
      if (!resource) throw new Error(`the plan starts a workload after "${name}", which this target has not deployed`);
      return resource;
    });
  }
}
