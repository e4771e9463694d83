import * as pulumi from "@pulumi/pulumi";

interface VolumeFileInputs {
  readonly volumeName: string;
  /** Where the volume is mounted in the writer container; the file lands at `<directory>/<fileName>`. */
  readonly directory: string;
  readonly fileName: string;
  readonly content: string;
  /** Any local image with `sh`, `cat` and `mv` (the ingress's own, so nothing extra has to be built or pulled). */
  readonly image: string;
}

/**
 * Writes the content through a throwaway container of the Docker CLI (which honours DOCKER_HOST and the Docker context
 * like the Docker provider does). Written aside and renamed over, so a watcher never reads a half-written file; the temp
 * name has no .yml/.json suffix, which Traefik's file provider would otherwise try to load.
 */
function writeIntoVolume(inputs: VolumeFileInputs): void {
  // Required inside the function: this code runs later, serialised, in the dynamic provider's process.
  const { execFileSync } = require("node:child_process");
  const script = 'set -eu; cat > "$1/.publish.tmp"; mv -f "$1/.publish.tmp" "$1/$2"';
  try {
    execFileSync(
      "docker",
      ["run", "--rm", "-i", "--network", "none", "--volume", `${inputs.volumeName}:${inputs.directory}`, "--entrypoint", "sh", inputs.image, "-c", script, "publish", inputs.directory, inputs.fileName],
      { input: inputs.content, stdio: ["pipe", "pipe", "pipe"], timeout: 120_000 },
    );
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
    throw new Error(`could not write ${inputs.fileName} into volume ${inputs.volumeName}: ${detail}`);
  }
}

/**
 * Every change is an in-place update: `pulumi preview` of a weight change shows `~ update` of this one resource and
 * nothing replaced. Delete leaves the file alone: the volume it lives in goes with the stack (or stays, with its file,
 * when the ingress that reads it stays).
 */
const volumeFileProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: VolumeFileInputs) {
    writeIntoVolume(inputs);
    return { id: `${inputs.volumeName}/${inputs.fileName}`, outs: inputs };
  },
  async diff(_id: string, olds: VolumeFileInputs, news: VolumeFileInputs) {
    const keys = ["volumeName", "directory", "fileName", "content", "image"] as const;
    return { changes: keys.some((key) => olds[key] !== news[key]), replaces: [], deleteBeforeReplace: false };
  },
  async update(_id: string, _olds: VolumeFileInputs, news: VolumeFileInputs) {
    writeIntoVolume(news);
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
}

/** One file kept up to date inside a Docker volume, for a running container that watches it. */
export class VolumeFile extends pulumi.dynamic.Resource {
  declare readonly content: pulumi.Output<string>;

  constructor(name: string, args: VolumeFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(volumeFileProvider, name, args, opts);
  }
}
