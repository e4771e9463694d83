import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { waitFor } from "../support/processes";
import type { LoadResponse } from "./steadyLoad";

const run = promisify(execFile);

async function inspect(container: string, format: string): Promise<string> {
  return (await run("docker", ["inspect", "--format", format, container])).stdout.trim();
}

/**
 * A crash as it happens: the container's main process killed with SIGKILL from the host, so the engine sees the
 * process die and the container's restart policy brings it back. `docker kill` or `docker stop` would be a clean,
 * manual stop instead, which Docker does not restart and which a real crash never is. Returns when it was killed.
 */
export async function crash(container: string): Promise<number> {
  const pid = Number(await inspect(container, "{{.State.Pid}}"));
  if (!(pid > 0)) throw new Error(`container ${container} has no running process to kill`);
  process.kill(pid, "SIGKILL");
  return Date.now();
}

/** How many times the engine has restarted the container, to tell a fault's victim from its bystanders. */
export async function restartCount(container: string): Promise<number> {
  return Number(await inspect(container, "{{.RestartCount}}"));
}

/** Waits until the engine's health check calls the container healthy again after `since`; returns when it saw that. */
export async function healthyAgain(container: string, since: number, timeoutMs = 60_000): Promise<number> {
  return waitFor(
    `${container} healthy again`,
    async () => {
      const [status, startedAt] = (await inspect(container, "{{.State.Health.Status}} {{.State.StartedAt}}")).split(
        " ",
      );
      if (status === "healthy" && Date.parse(startedAt) >= since - 1_000) return Date.now();
      throw new Error(`${container} is ${status}`);
    },
    timeoutMs,
    200,
  );
}

/** Waits until PostgreSQL in the container accepts connections again; returns when it did. */
export async function postgresReady(container: string, timeoutMs = 60_000): Promise<number> {
  return waitFor(
    `PostgreSQL in ${container} accepting connections`,
    async () => {
      await run("docker", ["exec", container, "pg_isready", "--quiet", "--host", "127.0.0.1"]);
      return Date.now();
    },
    timeoutMs,
    200,
  );
}

/** The first successful response `backend` served at or after `since`, as the steady load saw it. */
export function firstServedBy(
  responses: readonly LoadResponse[],
  backend: "flask" | "fastapi",
  since: number,
): number | undefined {
  return responses.find((response) => response.at >= since && response.backend === backend && response.status < 400)
    ?.at;
}
