import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { userError } from "../userError";

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

/** The message that fails the update when a job exited non-zero; undefined when it succeeded. */
export function jobFailure(name: string, exitCode: number | undefined, logs: string | undefined): string | undefined {
  if (exitCode === undefined || exitCode === 0) return undefined;
  return `${name} exited with code ${exitCode}; its output:\n${logs?.trim() || "(none)"}`;
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
      const failure = jobFailure(name, exitCode, logs);
      if (failure) throw userError(failure);
      return true;
    });
    // `succeeded` is deliberately not registered: its consumers (an app's image, the ingress's outputs) already fail
    // the update with the job's output, and a registered copy would report the same failure a second time.
    this.registerOutputs({});
  }
}
