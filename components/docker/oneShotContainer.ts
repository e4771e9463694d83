import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface OneShotContainerArgs {
  readonly image: pulumi.Input<string>;
  /** Replaces the image's entrypoint: the whole command line of the job. */
  readonly command: pulumi.Input<pulumi.Input<string>[]>;
  readonly networkName?: pulumi.Input<string>;
  /** `NAME=value` pairs. */
  readonly envs?: pulumi.Input<pulumi.Input<string>[]>;
  readonly uploads?: pulumi.Input<pulumi.Input<docker.types.input.ContainerUpload>[]>;
  readonly volumes?: pulumi.Input<pulumi.Input<docker.types.input.ContainerVolume>[]>;
}

/**
 * A container that runs to completion during `pulumi up` (Docker's `attach`), and fails the update, with the job's
 * output, when it exits non-zero: the Docker provider records the exit code but would otherwise report success.
 */
export class OneShotContainer extends pulumi.ComponentResource {
  /** Resolves to true once the job has exited 0; rejects (failing the update) otherwise. */
  readonly succeeded: pulumi.Output<boolean>;

  constructor(name: string, args: OneShotContainerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("migration:docker:OneShotContainer", name, {}, opts);
    const job = new docker.Container(
      name,
      {
        image: args.image,
        entrypoints: args.command,
        envs: args.envs,
        uploads: args.uploads,
        volumes: args.volumes,
        networksAdvanced: args.networkName ? [{ name: args.networkName }] : undefined,
        attach: true,
        logs: true,
        mustRun: false,
        restart: "no",
      },
      { parent: this },
    );
    this.succeeded = pulumi.all([job.exitCode, job.containerLogs]).apply(([exitCode, logs]) => {
      if (exitCode !== undefined && exitCode !== 0) {
        throw new pulumi.RunError(`${name} exited with code ${exitCode}; its output:\n${logs ?? "(none)"}`);
      }
      return true;
    });
    this.registerOutputs({ succeeded: this.succeeded });
  }
}
