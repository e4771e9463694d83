import { spawnSync } from "node:child_process";

/**
 * Whether the tests that need the Docker engine and the local images must run. `.ci/run` sets
 * MIGRATION_REQUIRE_ENGINE_TESTS=1: it starts the engine and builds the images before `npm test`, so there a missing
 * piece fails the run. Elsewhere (a laptop without Docker, the infrastructure workflow's container) those tests skip
 * and say why.
 */
export const ENGINE_TESTS_REQUIRED = process.env.MIGRATION_REQUIRE_ENGINE_TESTS === "1";

export function dockerAnswers(): boolean {
  return spawnSync("docker", ["info"], { stdio: "ignore", timeout: 10_000 }).status === 0;
}

export function imageExists(image: string): boolean {
  return spawnSync("docker", ["image", "inspect", image], { stdio: "ignore" }).status === 0;
}
