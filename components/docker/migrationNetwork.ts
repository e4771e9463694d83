import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/** The private network both apps, the database, the ingress and Prometheus share; the legacy stack joins it by name. */
export class MigrationNetwork extends pulumi.ComponentResource {
  /** Docker network name, for containers of this stack and of the legacy Flask stack. */
  readonly name: pulumi.Output<string>;

  // No args: everything about the network is fixed by the platform's design.
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:MigrationNetwork", name, {}, opts);
    const network = new docker.Network(name, { driver: "bridge" }, { parent: this });
    this.name = network.name;
    this.registerOutputs({ name: this.name });
  }
}
