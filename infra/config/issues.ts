/** One problem found in stack configuration: which key, what it holds, and what would be accepted instead. */
export interface ConfigIssue {
  /** Fully qualified key with its path, e.g. `migration:routes[1].weight`. */
  readonly key: string;
  /** The offending value as read from config, credentials hidden (see shownValue.ts); `undefined` when the key is missing. */
  readonly value: unknown;
  /** What is allowed, phrased so that it completes "expected ...". */
  readonly expected: string;
}

export type ConfigPath = ReadonlyArray<string | number>;

export function configKey(namespace: string, path: ConfigPath): string {
  const [head, ...rest] = path;
  const suffix = rest.map((part) => (typeof part === "number" ? `[${part}]` : `.${part}`)).join("");
  return `${namespace}:${String(head ?? "")}${suffix}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is not set)";
  return JSON.stringify(value);
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.key}: got ${describeValue(issue.value)}; expected ${issue.expected}`;
}

/** The whole report for a refused update: every problem at once, so that one edit can fix them all. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  const count = `${issues.length} problem${issues.length === 1 ? "" : "s"}`;
  return (
    `Invalid stack configuration (${count}); nothing was changed:\n` +
    issues.map((issue) => `  - ${formatIssue(issue)}`).join("\n")
  );
}

export type Validated<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: ConfigIssue[] };
