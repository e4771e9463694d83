import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A port the OS considers free right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** A stand-in backend that answers every request with its own name, like the apps' X-App-Backend header. */
export async function startNamedBackend(
  name: string,
  extraHeaders: Record<string, string> = {},
): Promise<{ server: Server; address: string }> {
  const server = createHttpServer((request, response) => {
    response.writeHead(200, { "Content-Type": "application/json", ...extraHeaders });
    response.end(JSON.stringify({ backend: name, method: request.method, path: request.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { server, address: `127.0.0.1:${typeof address === "object" && address ? address.port : 0}` };
}

/** Asks `probe` until it gives a value; an error it throws counts as "not yet" and is reported if time runs out. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}
