import type { ConfigPath } from "./issues";
import { redactDsn } from "./sentryDsn";

/** `scheme://user[:password]@`: a URL's user information, which holds credentials when it is there at all. */
const URL_USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/;

const hideUserinfo = (text: string) => text.replace(URL_USERINFO, "$1<redacted>@");

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  return value;
}

/**
 * A config value as a problem report shows it. Reports are printed by `pulumi up` and the cutover command, so no
 * credential may appear in them: the Sentry DSN's key is always hidden, and anywhere else (a DSN under a misspelt key,
 * a URL with a password) so is a URL's user information. Registry credentials are never shown at all.
 */
export function shownValue(path: ConfigPath, value: unknown): unknown {
  if (isPullSecretPath(path)) return value === undefined ? undefined : "<redacted>";
  const isSentryDsn = path.length === 2 && path[0] === "errorTracking" && path[1] === "sentryDsn";
  return mapStrings(value, isSentryDsn ? redactDsn : hideUserinfo);
}

function isPullSecretPath(path: ConfigPath): boolean {
  return path.length === 2 && path[0] === "kubernetes" && path[1] === "imagePullSecret";
}
