import { parseImageReference } from "../config/imageReference";

/**
 * An app's SENTRY_RELEASE, `<app>@<image tag>` (the digest for an image pinned by digest alone), so that every error
 * names the build that raised it. Sentry refuses slashes in release names, so the repository is left out.
 */
export function sentryRelease(app: string, image: string): string {
  const { tag, digest } = parseImageReference(image);
  return `${app}@${tag ?? digest}`;
}
