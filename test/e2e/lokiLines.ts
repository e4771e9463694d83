import { setTimeout as sleep } from "node:timers/promises";

const nanoseconds = (milliseconds: number) => String(BigInt(milliseconds) * 1_000_000n);

/** How many log lines Loki holds for a LogQL query since a moment, over every stream (`/loki/api/v1/query_range`). */
export async function logLines(lokiUrl: string, query: string, sinceMs: number): Promise<number> {
  const url = new URL("/loki/api/v1/query_range", lokiUrl);
  url.search = new URLSearchParams({
    query,
    start: nanoseconds(sinceMs),
    end: nanoseconds(Date.now()),
    limit: "5000",
  }).toString();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Loki answered ${response.status} to ${query}: ${await response.text()}`);
  const body = (await response.json()) as { data: { result: { values: unknown[] }[] } };
  return body.data.result.reduce((sum, stream) => sum + stream.values.length, 0);
}

/** Asks again until Loki holds `expected` lines (the agent ships within seconds) or the time is up; the last count. */
export async function awaitLogLines(
  lokiUrl: string,
  query: string,
  sinceMs: number,
  expected: number,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await logLines(lokiUrl, query, sinceMs);
    if (count >= expected || Date.now() > deadline) return count;
    await sleep(1_000);
  }
}
