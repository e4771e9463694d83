import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderTraefikRouting } from "../../infra/render/traefik/dynamicConfig";
import { startNamedBackend } from "../support/processes";
import { startTraefik, traefikSkipReason, type RunningTraefik } from "../support/realTraefik";
import {
  APP_BACKEND_HEADER,
  caseName,
  expectedReply,
  planFor,
  ROUTE_MATCHING_CASES,
  sendCase,
} from "../support/routeMatchingCases";

// The real Traefik binary on the routing the project renders for the shared table's map, with two stand-in backends.
const skipReason = traefikSkipReason("Traefik route matching");

describe.skipIf(skipReason !== "")(
  `the shared routing cases, through Traefik${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let traefik: RunningTraefik;
    const backends: Server[] = [];

    beforeAll(async () => {
      const [fastapi, flask] = await Promise.all(
        (["fastapi", "flask"] as const).map((name) => startNamedBackend(name, { [APP_BACKEND_HEADER]: name })),
      );
      backends.push(fastapi.server, flask.server);

      const plan = planFor({ fastapi: { servers: [fastapi.address] }, flask: { servers: [flask.address] } });
      traefik = await startTraefik(renderTraefikRouting(plan), async (url) => (await fetch(`${url}/`)).status === 200);
    });

    afterAll(async () => {
      await traefik?.stop();
      for (const server of backends) server.close();
    });

    it.each(ROUTE_MATCHING_CASES.map((testCase) => [caseName(testCase), testCase] as const))(
      "%s",
      async (_, testCase) => {
        expect(await sendCase(traefik.url, testCase)).toEqual(expectedReply(testCase));
      },
    );

    it("loads the rendered routing without an error", () => {
      expect(traefik.output()).not.toMatch(/ ERR /);
    });
  },
);
