import type { MigrationMap } from "../../infra/routing/route";
import { probeFor } from "../../infra/cutover/splitCheck";
import { SERVED_BY_HEADER } from "../../infra/routing/plan";
import type { CutoverDeps } from "../ports";

/**
 * Confirms through the ingress that each route serves its new weight, by the served-by header of real requests.
 * Returns whether every probed route matched in time.
 */
export async function verifyTraffic(
  deps: CutoverDeps,
  ingressUrl: string | undefined,
  map: MigrationMap,
  routes: ReadonlyArray<{ readonly routeId: string; readonly weight: number }>,
): Promise<boolean> {
  if (!ingressUrl) {
    deps.print("Not verified: the stack exports no ingressUrl.");
    return false;
  }
  const expectations = routes.map(({ routeId, weight }) => ({ routeId, weight, probe: probeFor(map, routeId) }));
  deps.print(`Verifying the split through ${ingressUrl} (${SERVED_BY_HEADER} of each response)...`);
  const verification = await deps.verifySplit(ingressUrl, expectations);
  for (const route of verification.routes) {
    const probe = expectations.find((expectation) => expectation.routeId === route.routeId)?.probe;
    const how = probe
      ? `${probe.method} ${probe.path}`
      : "no request reaches this route (earlier routes take all of it); not verified";
    deps.print(
      `  ${route.routeId}: ${route.judgement ? `${route.judgement.matches ? "ok" : "mismatch"}: ${route.judgement.summary} [${how}]` : how}`,
    );
  }
  const seconds = verification.seconds.toFixed(1);
  deps.print(
    verification.converged
      ? `Traffic matches the new weights (observed after ${seconds} s).`
      : `Traffic did not match the new weights within ${seconds} s.`,
  );
  return verification.converged;
}
