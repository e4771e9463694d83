/**
 * Sentry DSNs, `https://<public key>@<host>[:port]/[prefix/]<project id>`, as both apps' sentry-sdk parses them. A DSN
 * carries a key that lets anyone send events to the project, so it is handled as a credential: never shown whole.
 */

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const PROJECT_PATH = /^\/(?:[^?#]*\/)?[0-9]+$/;

/** Why `text` is not a Sentry DSN, phrased to follow "expected a Sentry DSN ...: ", or undefined when it is one. */
export function sentryDsnProblem(text: string): string | undefined {
  const scheme = SCHEME.exec(text)?.[1].toLowerCase();
  if (scheme !== "http" && scheme !== "https") return "it must start with http:// or https://";
  if (/\s/.test(text)) return "it may not contain white space";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "the host (and optional port) after the @ is not valid";
  }
  if (!url.username) return "the public key must come before an @";
  if (url.search || url.hash) return "it may not have a query or a fragment";
  if (!PROJECT_PATH.test(url.pathname)) return "the path must end with the numeric project id, e.g. /42";
  return undefined;
}

/**
 * A value given for a DSN, as an error message may show it: everything before the last @ (the public key, and the
 * secret key of the legacy `key:secret@` form) replaced, the scheme kept. A value with neither an @ nor a scheme may
 * be a bare key pasted on its own, and is hidden entirely.
 */
export function redactDsn(text: string): string {
  const scheme = SCHEME.exec(text)?.[0] ?? "";
  const at = text.lastIndexOf("@");
  if (at >= 0) return `${scheme}<redacted>${text.slice(at)}`;
  return scheme ? text : "<redacted>";
}
