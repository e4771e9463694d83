import { setTimeout as sleep } from "node:timers/promises";
import { queryLogStore } from "../support/logPipeline";

/** How many log lines VictoriaLogs holds for a LogsQL query since a moment, over every stream. */
export async function logLines(storeUrl: string, query: string, sinceMs: number): Promise<number> {
  const [row] = await queryLogStore(storeUrl, `${query} | stats count() lines`, {
    start: new Date(sinceMs),
    end: new Date(),
  });
  return row ? Number(row.lines) : 0;
}

/** Asks again until VictoriaLogs holds `expected` lines (the collector ships within seconds) or the time is up. */
export async function awaitLogLines(
  storeUrl: string,
  query: string,
  sinceMs: number,
  expected: number,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await logLines(storeUrl, query, sinceMs);
    if (count >= expected || Date.now() > deadline) return count;
    await sleep(1_000);
  }
}
