import * as pulumi from "@pulumi/pulumi";

/** A container told to re-read its files after a write, for programs that only reload on a signal (Prometheus: HUP). */
interface ReloadSignal {
  readonly containerName: string;
  readonly signal: string;
}

export interface VolumeFileInputs {
  readonly volumeName: string;
  /** Where the volume is mounted in the writer container; the file lands at `<directory>/<fileName>`. */
  readonly directory: string;
  readonly fileName: string;
  readonly content: string;
  /** Any local image with `sh`, `cat` and `mv` (the reader's own, so nothing extra has to be built or pulled). */
  readonly image: string;
  readonly reload?: ReloadSignal;
}

/** The Docker CLI's error output, the part of a failure worth showing. */
function dockerError(error: unknown): string {
  return (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
}

/**
 * Writes the content through a throwaway container of the Docker CLI (which honours DOCKER_HOST and the Docker context
 * like the Docker provider does). Written aside and renamed over, so a watcher never reads a half-written file; the temp
 * name has no .yml/.json suffix, which Traefik's file provider would otherwise try to load. The writer runs as root: a
 * new volume belongs to root, and some readers' images (Prometheus's) run as an unprivileged user; the file itself is
 * created world-readable.
 */
export function writeIntoVolume(inputs: VolumeFileInputs): void {
  // Required inside the function: this code runs later, serialised, in the dynamic provider's process.
  const { execFileSync } = require("node:child_process");
  const script = 'set -eu; cat > "$1/.publish.tmp"; mv -f "$1/.publish.tmp" "$1/$2"';
  try {
    execFileSync(
      "docker",
      [
        "run",
        "--rm",
        "-i",
        "--network",
        "none",
        "--user",
        "0",
        "--volume",
        `${inputs.volumeName}:${inputs.directory}`,
        "--entrypoint",
        "sh",
        inputs.image,
        "-c",
        script,
        "publish",
        inputs.directory,
        inputs.fileName,
      ],
      { input: inputs.content, stdio: ["pipe", "pipe", "pipe"], timeout: 120_000 },
    );
  } catch (error) {
    throw new Error(`could not write ${inputs.fileName} into volume ${inputs.volumeName}: ${dockerError(error)}`);
  }
}

/** Signals the reader once the new file is in place; a reader that is not running fails the update, naming it. */
function signalReader(fileName: string, reload: ReloadSignal): void {
  const { execFileSync } = require("node:child_process");
  try {
    execFileSync("docker", ["kill", "--signal", reload.signal, reload.containerName], {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
    });
  } catch (error) {
    throw new Error(
      `wrote ${fileName}, but could not send ${reload.signal} to container ${reload.containerName} to reload it: ${dockerError(error)}`,
    );
  }
}

function publish(inputs: VolumeFileInputs): void {
  writeIntoVolume(inputs);
  if (inputs.reload) signalReader(inputs.fileName, inputs.reload);
}

/**
 * Every change is an in-place update: `pulumi preview` of a weight change shows `~ update` of these files and nothing
 * replaced. Delete leaves the file alone: the volume it lives in goes with the stack (or stays, with its file, when the
 * container that reads it stays). Exported for tests of its diff; create and update need a Docker engine.
 */
export const volumeFileProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: VolumeFileInputs) {
    publish(inputs);
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
    publish(news);
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
  /** Sent to the reader after every write (`docker kill --signal`), for a reader that does not watch the file. */
  readonly reload?: pulumi.Input<{
    readonly containerName: pulumi.Input<string>;
    readonly signal: pulumi.Input<string>;
  }>;
}

/** One file kept up to date inside a Docker volume, for a running container that watches it or is told to reload. */
export class VolumeFile extends pulumi.dynamic.Resource {
  declare readonly content: pulumi.Output<string>;

  constructor(name: string, args: VolumeFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(volumeFileProvider, name, args, opts);
  }
}
