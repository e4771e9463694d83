/** The parts of a container image reference that the config rules care about. */
export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Splits `registry:5000/team/app:1.2@sha256:...` into repository, tag and digest. A colon only starts a tag when it
 * comes after the last slash, otherwise it belongs to a registry port.
 */
export function parseImageReference(reference: string): ImageReference {
  const [nameAndTag, digest] = reference.split("@", 2);
  const lastSlash = nameAndTag.lastIndexOf("/");
  const lastColon = nameAndTag.lastIndexOf(":");
  const hasTag = lastColon > lastSlash;
  return {
    repository: hasTag ? nameAndTag.slice(0, lastColon) : nameAndTag,
    tag: hasTag ? nameAndTag.slice(lastColon + 1) : undefined,
    digest: digest || undefined,
  };
}

/** True when the reference pins a version: a tag (other than empty) or a content digest. */
export function hasExplicitVersion(reference: string): boolean {
  const { tag, digest } = parseImageReference(reference);
  return Boolean(tag) || Boolean(digest);
}

/** `:latest` moves under your feet; production stages must pin something that does not. */
export function isFloatingLatest(reference: string): boolean {
  const { tag, digest } = parseImageReference(reference);
  return tag === "latest" && !digest;
}

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
