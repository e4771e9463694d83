import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { waitFor } from "../support/processes";
import { REPO_ROOT } from "../support/stackConfig";
import type { LoadResponse, SteadyLoad } from "./steadyLoad";

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

/** Waits until the load has seen both apps serve a request at or after `since`; returns when the later one did. */
export async function bothAppsServeSince(
  load: SteadyLoad,
  since: number,
  after: string,
  timeoutMs: number,
): Promise<number> {
  return waitFor(
    `both apps serving again after ${after}`,
    async () => {
      const times = [firstServedBy(load.responses, "flask", since), firstServedBy(load.responses, "fastapi", since)];
      return times.every((at) => at !== undefined) ? Math.max(...(times as number[])) : undefined;
    },
    timeoutMs,
    200,
  );
}

/** The containers running now, by id: after an engine restart, each must be back. */
export async function runningContainers(): Promise<string[]> {
  return (await run("docker", ["ps", "--quiet", "--no-trunc"])).stdout.split("\n").filter((id) => id !== "");
}

/**
 * The engine stopped as an operator (or a host's shutdown) stops it, SIGTERM to dockerd, which stops every container;
 * then started again by the project's own script (scripts/docker/ensure-engine.sh, as `.ci/run` and `npm run up` start
 * it), whose containers' restart policy brings them back.
 */
export async function restartEngine(): Promise<{ readonly stoppedAt: number; readonly startedAt: number }> {
  const pid = Number(readFileSync("/var/run/docker.pid", "utf8").trim());
  const stoppedAt = Date.now();
  process.kill(pid, "SIGTERM");
  await waitFor("dockerd to exit", async () => (existsSync(`/proc/${pid}`) ? undefined : true), 120_000, 200);
  await run("bash", [join(REPO_ROOT, "scripts", "docker", "ensure-engine.sh")], { timeout: 180_000 });
  return { stoppedAt, startedAt: Date.now() };
}

/** Waits until every one of `containers` runs again, healthy where it has a health check; returns when they all did. */
export async function allBackAndHealthy(containers: readonly string[], timeoutMs: number): Promise<number> {
  return waitFor(
    `${containers.length} containers running and healthy again`,
    async () => {
      const states = (
        await run("docker", [
          "inspect",
          "--format",
          "{{.Name}} {{.State.Running}} {{if .State.Health}}{{.State.Health.Status}}{{else}}no-check{{end}}",
          ...containers,
        ])
      ).stdout
        .trim()
        .split("\n");
      const waiting = states.filter((state) => !/ true (healthy|no-check)$/.test(state));
      if (waiting.length === 0) return Date.now();
      throw new Error(`not yet: ${waiting.join(", ")}`);
    },
    timeoutMs,
    500,
  );
}
