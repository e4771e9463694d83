import type { HotFile, RoutingPublisher } from "../../infra/plan/routingPublisher";

/**
 * The signal sent after a write to the main process of every running container that mounts the volume, for readers
 * that only reload on a signal (Prometheus: HUP); the reader's image must have `sh`. Found by the volume, not by a
 * container's name, so that the write waits for no container: a weight change publishes at once, whatever else the
 * update is still diffing.
 */
export interface ReloadSignal {
  readonly signal: string;
}

/** Where a hot file goes on the Docker target: a volume the reader mounts at `directory`. */
export interface VolumeDestination {
  readonly volumeName: string;
  /** Any local image with `sh`, `cat` and `mv` (the reader's own, so nothing extra has to be built or pulled). */
  readonly image: string;
  readonly reload?: ReloadSignal;
}

/**
 * Writes the file through a throwaway container of the Docker CLI (which honours DOCKER_HOST and the Docker context
 * like the Docker provider does), then signals the readers when they need one. Written aside and renamed over, so a
 * watcher never reads a half-written file; the temp name has no .yml/.json suffix, which Traefik's file provider would
 * otherwise try to load. The writer runs as root: a new volume belongs to root, and some readers' images (Prometheus's)
 * run as an unprivileged user; the file itself is created world-readable. Asynchronous, so that the VolumeFile dynamic
 * provider writes the routing and the weight rules at the same time; every module it needs is required inside, because
 * it also runs in that provider's process.
 */
export async function publishIntoVolume(destination: VolumeDestination, file: HotFile): Promise<void> {
  const { execFile } = require("node:child_process");
  /** Runs the Docker CLI, feeding `input` to its stdin; resolves to its stdout, rejects with its error output. */
  const docker = (args: string[], input?: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = execFile(
        "docker",
        args,
        { timeout: 120_000 },
        (error: Error | null, stdout: string, stderr: string) =>
          error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout),
      );
      // A CLI that exits without reading its input (`ps`, `kill`, a `run` that fails early) closes the pipe under the
      // write: that EPIPE is not the failure, the exit status above reports it.
      child.stdin.on("error", () => {});
      child.stdin.end(input);
    });
  const script = 'set -eu; cat > "$1/.publish.tmp"; mv -f "$1/.publish.tmp" "$1/$2"';
  try {
    await docker(
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
      file.content,
    );
  } catch (error) {
    throw new Error(
      `could not write ${file.fileName} into volume ${destination.volumeName}: ${(error as Error).message}`,
    );
  }
  const { reload } = destination;
  if (!reload) return;
  try {
    const readers = (await docker(["ps", "--quiet", "--filter", `volume=${destination.volumeName}`]))
      .split("\n")
      .filter((id) => id !== "");
    // None yet on a first deploy: the reader starts after the write (it depends on it) and reads the file then. The
    // signal is sent from inside the container, to its main process: `docker kill --signal` would mark the container
    // as manually stopped, and its restart policy would then no longer bring it back after a crash or an engine
    // restart.
    await Promise.all(readers.map((reader) => docker(["exec", reader, "sh", "-c", `kill -s ${reload.signal} 1`])));
  } catch (error) {
    throw new Error(
      `wrote ${file.fileName}, but could not send ${reload.signal} to the containers that mount volume ${destination.volumeName} to reload it: ${(error as Error).message}`,
    );
  }
}

/** The Docker target's RoutingPublisher: every publish goes into the same volume. */
export function volumePublisher(destination: VolumeDestination): RoutingPublisher {
  return { publish: (file) => publishIntoVolume(destination, file) };
}
