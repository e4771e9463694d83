const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * The one reader of the durations in `migration:gates` ("90s", "5m", "1h") and of `migration:backupWindow` ("14d",
 * "0s"). The schema has already checked their shape (the gates' allow neither days nor zero); this throws only when
 * called with something that did not pass it.
 */
export function parseDuration(text: string): number {
  const match = /^(0|[1-9][0-9]*)(s|m|h|d)$/.exec(text);
  if (!match) throw new Error(`not a duration in s, m, h or d: "${text}"`);
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
