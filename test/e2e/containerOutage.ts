import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

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
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { stdout } = await run("docker", ["inspect", "--format", "{{.State.Health.Status}}", ...this.containers]);
      const states = stdout.trim().split("\n");
      if (states.every((state) => state === "healthy")) return;
      if (Date.now() > deadline) throw new Error(`containers not healthy ${timeoutMs / 1000} s after restart: ${this.containers.map((name, index) => `${name} ${states[index]}`).join(", ")}`);
      await sleep(1_000);
    }
  }
}
