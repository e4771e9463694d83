import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { waitFor } from "../support/processes";

const run = promisify(execFile);

/**
 * A real outage of some containers: `docker stop`, so the ingress finds nothing listening and answers 5xx for them
 * (counted in its own per-backend metrics, as a crash would be). The containers' restart policy is `unless-stopped`,
 * so Docker leaves them down until `restore`.
 */
export class ContainerOutage {
  private constructor(readonly containers: readonly string[]) {}

  static async begin(containers: readonly string[]): Promise<ContainerOutage> {
    await run("docker", ["stop", "--time", "2", ...containers]);
    return new ContainerOutage(containers);
  }

  /** Starts the containers again and waits until Docker's health check calls every one of them healthy. */
  async restore(timeoutMs = 60_000): Promise<void> {
    await run("docker", ["start", ...this.containers]);
    await waitFor(
      `${this.containers.join(", ")} healthy after restart`,
      async () => {
        const { stdout } = await run("docker", ["inspect", "--format", "{{.State.Health.Status}}", ...this.containers]);
        const states = stdout.trim().split("\n");
        if (states.every((state) => state === "healthy")) return true;
        throw new Error(this.containers.map((name, index) => `${name} ${states[index]}`).join(", "));
      },
      timeoutMs,
      1_000,
    );
  }
}
