/** A label matcher; the value is quoted as a PromQL string (JSON's escaping is a subset of PromQL's). */
export interface LabelMatcher {
  readonly label: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

export function selector(metric: string, matchers: readonly LabelMatcher[]): string {
  return `${metric}{${matchers.map(({ label, op, value }) => `${label}${op}${JSON.stringify(value)}`).join(", ")}}`;
}
