import { execFile } from "node:child_process";
import type { HotFile, RoutingPublisher } from "../../infra/plan/routingPublisher";

/**
 * The signal sent after a write to the main process of every running container that mounts the volume, for readers
 * that only reload on a signal (Prometheus: HUP). Found by the volume, not by a container's name, so that the write
 * waits for no container: a weight change publishes at once, whatever else the update is still diffing.
 */
export interface ReloadSignal {
  readonly signal: string;
}

/** Where a hot file goes on the Docker target: a volume the reader mounts at `directory`. */
export interface VolumeDestination {
  readonly volumeName: string;
  /**
   * The reader's own image (so nothing extra has to be built or pulled), with `sh`, `cat` and `mv`: the file is written
   * with them inside a running reader, or in a throwaway container of this image when none runs.
   */
  readonly image: string;
  readonly reload?: ReloadSignal;
}

/**
 * Writes the file atomically (written aside and renamed over, so a watcher never reads a half-written file; the temp
 * name has no .yml/.json suffix, which Traefik's file provider would otherwise try to load), through the Docker CLI,
 * which honours DOCKER_HOST and the Docker context like the Docker provider does. Written as root: a new volume belongs
 * to root, and some readers (Prometheus) run as an unprivileged user; the file itself is created world-readable.
 *
 * Where a running container mounts the volume (the reader, on every weight step; it mounts it writable for this), the
 * file is written from inside it with `docker exec`, which takes about a third of a throwaway container's time, and a
 * reader that needs a signal gets it there, sent to its main process. Never `docker kill --signal`: that marks the
 * container as manually stopped, and its restart policy would then no longer bring it back after a crash or an engine
 * restart. With no reader running (a first deploy, where the reader starts after the file it depends on; a reader that
 * stopped after the lookup), a throwaway container of the given image writes the file, and a reader reads it when it
 * starts.
 *
 * Asynchronous, so that the VolumeFile provider (volumeFilePlugin/main.ts) writes the routing and the weight rules at
 * the same time.
 */
export async function publishIntoVolume(destination: VolumeDestination, file: HotFile): Promise<void> {
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
      child.stdin?.on("error", () => {});
      child.stdin?.end(input);
    });
  const { reload } = destination;
  const signalMain = reload ? `kill -s ${reload.signal} 1` : "";
  const writeAtomically = 'set -eu; cat > "$1/.publish.tmp"; mv -f "$1/.publish.tmp" "$1/$2"';
  const writeAndSignal = reload ? `${writeAtomically}; ${signalMain}` : writeAtomically;
  const scriptArgs = ["publish", file.directory, file.fileName];
  const inThrowawayContainer = () =>
    docker(
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
        writeAtomically,
        ...scriptArgs,
      ],
      file.content,
    );
  const inReader = (reader: string) =>
    docker(["exec", "-i", "--user", "0", reader, "sh", "-c", writeAndSignal, ...scriptArgs], file.content);

  let readers: string[];
  try {
    readers = (await docker(["ps", "--quiet", "--filter", `volume=${destination.volumeName}`]))
      .split("\n")
      .filter((id) => id !== "");
  } catch (error) {
    throw new Error(
      `could not list the containers that mount volume ${destination.volumeName}: ${(error as Error).message}`,
    );
  }
  const [first, ...others] = readers;
  // A reader that stopped after the lookup fails the exec, and so does one that mounts the volume read-only (as every
  // stack deployed before the mounts were writable does until its next update replaces the reader): the throwaway
  // container writes the file then (rewriting it is harmless), and signalling that reader below reports why it could
  // not be reloaded. A rollback must not fail for want of the faster way.
  const writtenInReader = first
    ? await inReader(first).then(
        () => true,
        () => false,
      )
    : false;
  if (!writtenInReader) {
    try {
      await inThrowawayContainer();
    } catch (error) {
      throw new Error(
        `could not write ${file.fileName} into volume ${destination.volumeName}: ${(error as Error).message}`,
      );
    }
  }
  if (!reload) return;
  const toSignal = writtenInReader ? others : readers;
  try {
    await Promise.all(toSignal.map((reader) => docker(["exec", reader, "sh", "-c", signalMain])));
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
