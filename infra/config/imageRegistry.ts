/**
 * Whether an image reference names its registry, by Docker's own rule: the part before the first `/` is a registry host
 * when it has a `.` or a `:`, or is `localhost`. `migration/fastapi:0.2.0` names none; `10.250.0.254:5000/x:1` does.
 */
function namesRegistry(reference: string): boolean {
  const slash = reference.indexOf("/");
  if (slash < 0) return false;
  const first = reference.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost";
}

/** The reference a cluster pulls: the configured registry in front of an image that names none of its own. */
export function withRegistry(reference: string, registry: string | undefined): string {
  return registry === undefined || namesRegistry(reference) ? reference : `${registry}/${reference}`;
}
