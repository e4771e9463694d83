import type { IncomingHttpHeaders } from "node:http";
import { SERVED_BY_HEADER } from "../../infra/routing/plan";

/** The backend that served a response, as the load generator hands its headers over (names in the server's case). */
export function servedBy(headers: IncomingHttpHeaders | undefined): string | undefined {
  const name = SERVED_BY_HEADER.toLowerCase();
  const entry = Object.entries(headers ?? {}).find(([header]) => header.toLowerCase() === name);
  return entry?.[1] === undefined ? undefined : String(entry[1]);
}
