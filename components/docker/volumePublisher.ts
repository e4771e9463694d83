import type { HotFile, RoutingPublisher } from "../../infra/plan/routingPublisher";

/** A container told to re-read its files after a write, for programs that only reload on a signal (Prometheus: HUP). */
export interface ReloadSignal {
  readonly containerName: string;
  readonly signal: string;
}

/** Where a hot file goes on the Docker target: a volume the reader mounts at `directory`. */
export interface VolumeDestination {
  readonly volumeName: string;
  /** Any local image with `sh`, `cat` and `mv` (the reader's own, so nothing extra has to be built or pulled). */
  readonly image: string;
  readonly reload?: ReloadSignal;
}

/** The Docker CLI's error output, the part of a failure worth showing. */
function dockerError(error: unknown): string {
  return (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
}

/**
 * Writes the file through a throwaway container of the Docker CLI (which honours DOCKER_HOST and the Docker context
 * like the Docker provider does), then signals the reader when it needs one. Written aside and renamed over, so a
 * watcher never reads a half-written file; the temp name has no .yml/.json suffix, which Traefik's file provider would
 * otherwise try to load. The writer runs as root: a new volume belongs to root, and some readers' images (Prometheus's)
 * run as an unprivileged user; the file itself is created world-readable. Synchronous, and every module it needs is
 * required inside: it also runs serialised, in the VolumeFile dynamic provider's process.
 */
export function publishIntoVolume(destination: VolumeDestination, file: HotFile): void {
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
        `${destination.volumeName}:${file.directory}`,
        "--entrypoint",
        "sh",
        destination.image,
        "-c",
        script,
        "publish",
        file.directory,
        file.fileName,
      ],
      { input: file.content, stdio: ["pipe", "pipe", "pipe"], timeout: 120_000 },
    );
  } catch (error) {
    throw new Error(`could not write ${file.fileName} into volume ${destination.volumeName}: ${dockerError(error)}`);
  }
  const { reload } = destination;
  if (!reload) return;
  try {
    execFileSync("docker", ["kill", "--signal", reload.signal, reload.containerName], {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
    });
  } catch (error) {
    throw new Error(
      `wrote ${file.fileName}, but could not send ${reload.signal} to container ${reload.containerName} to reload it: ${dockerError(error)}`,
    );
  }
}

/** The Docker target's RoutingPublisher: every publish goes into the same volume. */
export function volumePublisher(destination: VolumeDestination): RoutingPublisher {
  return { publish: async (file) => publishIntoVolume(destination, file) };
}
