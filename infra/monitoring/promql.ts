/** A label matcher; the value is quoted as a PromQL string (JSON's escaping is a subset of PromQL's). */
export interface LabelMatcher {
  readonly label: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

export function selector(metric: string, matchers: readonly LabelMatcher[]): string {
  return `${metric}{${matchers.map(({ label, op, value }) => `${label}${op}${JSON.stringify(value)}`).join(", ")}}`;
}

/** Escapes a literal for a PromQL (RE2) regular expression, which Prometheus anchors at both ends. */
function regexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A regex matching any label value that starts with `prefix`, as the ingress matches path prefixes. */
export function prefixRegex(prefix: string): string {
  return `${regexLiteral(prefix)}.*`;
}

export function oneOfRegex(values: readonly string[]): string {
  return values.map(regexLiteral).join("|");
}
