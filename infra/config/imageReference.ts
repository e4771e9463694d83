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
