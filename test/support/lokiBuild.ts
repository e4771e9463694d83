import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./stackConfig";

/** The Loki module version the build script pins (or LOKI_VERSION, as the build scripts honour it). */
export const LOKI_VERSION =
  process.env.LOKI_VERSION ??
  /^readonly DEFAULT_LOKI_VERSION=(\S+)$/m.exec(
    readFileSync(join(REPO_ROOT, "scripts/docker/build-loki-binaries.sh"), "utf8"),
  )![1];

export const LOKI_IMAGES = {
  loki: `migration/loki:${LOKI_VERSION}`,
  promtail: `migration/promtail:${LOKI_VERSION}`,
} as const;

export type LokiBinary = keyof typeof LOKI_IMAGES;

/** Where scripts/docker/build-loki-binaries.sh caches the binaries. */
const CACHED_BINARIES = join(
  process.env.MIGRATION_CACHE_DIR ?? "/var/cache/migration-images",
  "loki",
  "bin",
  LOKI_VERSION,
);

export interface CommandResult {
  readonly ok: boolean;
  readonly output: string;
}

/** Runs one of the two programs on files of a directory, from the build cache or else inside its image. */
export interface LokiTools {
  /** Where the programs come from, for test titles. */
  readonly source: string;
  /** Runs `binary` with `args`, in which `{dir}` stands for `directory` (mounted read-only when run in the image). */
  run(binary: LokiBinary, directory: string, args: readonly string[]): CommandResult;
}

const outputOf = (result: ReturnType<typeof spawnSync>): CommandResult => ({
  ok: result.status === 0,
  output: `${result.stdout}${result.stderr}`,
});

export function dockerAnswers(): boolean {
  return spawnSync("docker", ["info"], { stdio: "ignore", timeout: 10_000 }).status === 0;
}

export function imageExists(image: string): boolean {
  return spawnSync("docker", ["image", "inspect", image], { stdio: "ignore" }).status === 0;
}

/** Loki and Promtail as built here, or a reason why neither the cache nor the images have them. */
export function findLokiTools(): LokiTools | { readonly missing: string } {
  if ((["loki", "promtail"] as const).every((binary) => existsSync(join(CACHED_BINARIES, binary)))) {
    return {
      source: CACHED_BINARIES,
      run: (binary, directory, args) =>
        outputOf(
          spawnSync(
            join(CACHED_BINARIES, binary),
            args.map((arg) => arg.replaceAll("{dir}", directory)),
            { encoding: "utf8", timeout: 60_000 },
          ),
        ),
    };
  }
  if (dockerAnswers() && Object.values(LOKI_IMAGES).every(imageExists)) {
    return {
      source: `${LOKI_IMAGES.loki} and ${LOKI_IMAGES.promtail}`,
      run: (binary, directory, args) =>
        outputOf(
          spawnSync(
            "docker",
            [
              "run",
              "--rm",
              "--network",
              "none",
              "-v",
              `${directory}:/work:ro`,
              LOKI_IMAGES[binary],
              ...args.map((arg) => arg.replaceAll("{dir}", "/work")),
            ],
            {
              encoding: "utf8",
              timeout: 60_000,
            },
          ),
        ),
    };
  }
  return {
    missing: `neither ${CACHED_BINARIES}/{loki,promtail} nor the images ${LOKI_IMAGES.loki} and ${LOKI_IMAGES.promtail} exist: run scripts/docker/build-loki-binaries.sh (scripts/test.sh does when Go is installed)`,
  };
}
