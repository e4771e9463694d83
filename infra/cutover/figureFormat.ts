import { isMeasured } from "./routeFigures";

/** How figures read in tables, reports and gate reasons; "—" stands for no data (a missing series or NaN). */
const NO_DATA = "—";

export function formatRatio(ratio: number | undefined): string {
  return isMeasured(ratio) ? `${(ratio * 100).toFixed(2)}%` : NO_DATA;
}

export function formatShare(share: number | undefined): string {
  return isMeasured(share) ? `${(share * 100).toFixed(1)}%` : NO_DATA;
}

export function formatLatency(seconds: number | undefined): string {
  if (!isMeasured(seconds)) return NO_DATA;
  return seconds === Infinity ? "> largest bucket" : `${Number((seconds * 1000).toFixed(1))} ms`;
}

export function formatRate(perSecond: number | undefined): string {
  return isMeasured(perSecond) ? perSecond.toFixed(1) : NO_DATA;
}
