export type CutoverAction = "advance" | "rollback";

/**
 * What the cutover command writes into the message of the update it runs (`pulumi up --message`), so that the
 * stack's own update history says who moved traffic and why, with no store of its own.
 */
export interface CutoverRecord {
  readonly action: CutoverAction;
  readonly by: string;
  /** The weights moved, as `describeChanges` words them. */
  readonly changes: string;
  /** Gates that did not pass and were overridden with --force. */
  readonly forced: readonly string[];
  readonly reason?: string;
}

const MESSAGE = /^cutover (advance|rollback) by ([^:]+): (.*?)(?:; forced past ([^;]*))?(?:; reason: (.*))?$/s;

// Pulumi shows a message on one line; the user name must not contain the ":" that ends it in the message.
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

export function formatUpdateMessage(record: CutoverRecord): string {
  const forced = record.forced.length > 0 ? `; forced past ${record.forced.join(", ")}` : "";
  const reason = record.reason ? `; reason: ${oneLine(record.reason)}` : "";
  return `cutover ${record.action} by ${oneLine(record.by).replace(/:/g, "") || "unknown"}: ${record.changes}${forced}${reason}`;
}

/** The record back from a message; undefined for updates the cutover command did not run. */
export function parseUpdateMessage(message: string): CutoverRecord | undefined {
  const match = MESSAGE.exec(message.trim());
  if (!match) return undefined;
  const [, action, by, changes, forced, reason] = match;
  return { action: action as CutoverAction, by, changes, forced: forced ? forced.split(", ") : [], reason };
}
