import * as pulumi from "@pulumi/pulumi";

export interface VolumeFileArgs {
  readonly volumeName: pulumi.Input<string>;
  /** Where the volume is mounted in the reader; the file lands at `<directory>/<fileName>`. */
  readonly directory: pulumi.Input<string>;
  readonly fileName: pulumi.Input<string>;
  readonly content: pulumi.Input<string>;
  /** The reader's image, with `sh`, `cat` and `mv` (see VolumeDestination). */
  readonly image: pulumi.Input<string>;
  /**
   * Sent after every write to the main process of each running container that mounts the volume (from inside it, see
   * publishIntoVolume), for a reader that does not watch the file.
   */
  readonly reload?: pulumi.Input<{ readonly signal: pulumi.Input<string> }>;
}

/**
 * One file kept up to date inside a Docker volume, for a running container that watches it or is told to reload.
 * Every change is an in-place update: `pulumi preview` of a weight change shows `~ update` of these files and nothing
 * replaced. Written by the project's `volumefile` provider (volumeFilePlugin/main.ts), which components get through
 * their `providers`.
 */
export class VolumeFile extends pulumi.CustomResource {
  declare readonly content: pulumi.Output<string>;

  constructor(name: string, args: VolumeFileArgs, opts?: pulumi.CustomResourceOptions) {
    super("volumefile:index:VolumeFile", name, { ...args }, opts);
  }
}

/**
 * The plugin process that writes every VolumeFile, declared explicitly with a program's other providers, before the
 * rest (see platformProgram): the engine then starts it while the program plans and declares the rest, in the preview
 * and again in the update. With no configuration of its own, a weight change does not update it either. Pulumi.yaml's
 * `plugins` tells the engine where it lives.
 */
export class VolumeFileProvider extends pulumi.ProviderResource {
  constructor(name: string, opts?: pulumi.ResourceOptions) {
    super("volumefile", name, {}, opts);
  }
}
