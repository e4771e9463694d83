import type { ReloadSignal } from "../volumePublisher";

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

const STATE_KEYS = ["volumeName", "directory", "fileName", "content", "image", "reload"] as const;

/**
 * The keys whose value differs, for the preview to name (`~ update [diff: ~content]`); none means no change. Every
 * change is an in-place update, never a replacement. Compared as JSON, not with ===: `reload` is an object, and a value
 * the preview does not know yet (the engine's unknown sentinel) differs from any known one.
 */
export function changedKeys(olds: Partial<VolumeFileInputs>, news: Partial<VolumeFileInputs>): string[] {
  return STATE_KEYS.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
}

/** The resource's id: one file in one volume. */
export function volumeFileId({ volumeName, fileName }: VolumeFileInputs): string {
  return `${volumeName}/${fileName}`;
}
