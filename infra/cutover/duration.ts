const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * The one reader of the short durations in `migration:gates` ("90s", "5m", "1h"). The schema has already checked
 * their shape; this throws only when called with something that did not pass it.
 */
export function parseDuration(text: string): number {
  const match = /^([1-9][0-9]*)(s|m|h)$/.exec(text);
  if (!match) throw new Error(`not a duration in s, m or h: "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** Elapsed time for people, to the second below an hour and to the minute above: "45s", "4m 05s", "2h 10m", "3d 4h". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const pad = (value: number) => String(value).padStart(2, "0");
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${pad(Math.floor((seconds % 3600) / 60))}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}
