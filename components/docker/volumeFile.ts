import * as pulumi from "@pulumi/pulumi";
import { publishIntoVolume, type ReloadSignal } from "./volumePublisher";

/** The resource's state: where the file goes and what it holds (the names are in the state of deployed stacks). */
export interface VolumeFileInputs {
  readonly volumeName: string;
  /** Where the volume is mounted in the reader; the file lands at `<directory>/<fileName>`. */
  readonly directory: string;
  readonly fileName: string;
  readonly content: string;
  /** The reader's image, with `sh`, `cat` and `mv` (see VolumeDestination). */
  readonly image: string;
  readonly reload?: ReloadSignal;
}

function publish({ volumeName, image, reload, directory, fileName, content }: VolumeFileInputs): Promise<void> {
  return publishIntoVolume({ volumeName, image, reload }, { directory, fileName, content });
}

/**
 * Every change is an in-place update: `pulumi preview` of a weight change shows `~ update` of these files and nothing
 * replaced. Delete leaves the file alone: the volume it lives in goes with the stack (or stays, with its file, when the
 * container that reads it stays). Exported for tests of its diff; create and update need a Docker engine.
 */
export const volumeFileProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: VolumeFileInputs) {
    await publish(inputs);
    return { id: `${inputs.volumeName}/${inputs.fileName}`, outs: inputs };
  },
  async diff(_id: string, olds: VolumeFileInputs, news: VolumeFileInputs) {
    const keys = ["volumeName", "directory", "fileName", "content", "image", "reload"] as const;
    // JSON, not ===: `reload` is an object, and state read back from the engine is never the same object.
    return {
      changes: keys.some((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key])),
      replaces: [],
      deleteBeforeReplace: false,
    };
  },
  async update(_id: string, _olds: VolumeFileInputs, news: VolumeFileInputs) {
    await publish(news);
    return { outs: news };
  },
  async delete() {},
};

export interface VolumeFileArgs {
  readonly volumeName: pulumi.Input<string>;
  readonly directory: pulumi.Input<string>;
  readonly fileName: pulumi.Input<string>;
  readonly content: pulumi.Input<string>;
  readonly image: pulumi.Input<string>;
  /**
   * Sent after every write to the main process of each running container that mounts the volume (from inside it, see
   * publishIntoVolume), for a reader that does not watch the file.
   */
  readonly reload?: pulumi.Input<{ readonly signal: pulumi.Input<string> }>;
}

/** One file kept up to date inside a Docker volume, for a running container that watches it or is told to reload. */
export class VolumeFile extends pulumi.dynamic.Resource {
  declare readonly content: pulumi.Output<string>;

  constructor(name: string, args: VolumeFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(volumeFileProvider, name, args, opts);
  }
}

/**
 * The process that runs every VolumeFile's provider, declared explicitly with a program's other providers, before the
 * rest (see platformProgram): the engine then starts it (most of a second) while the program plans and declares the
 * rest, instead of halting every registration to start the default one when the first file arrives, in the preview and
 * again in the update. With no configuration of its own, unlike the default one (which gets the stack's), a weight
 * change does not update it either. Components pass it to their VolumeFiles through `providers`.
 */
export class VolumeFileProvider extends pulumi.ProviderResource {
  constructor(name: string, opts?: pulumi.ResourceOptions) {
    super("pulumi-nodejs", name, {}, opts);
  }
}
