import { dump } from "js-yaml";
import { afterEach, describe, expect, it } from "vitest";
import { STATIC_RESPONSE_PLUGIN } from "../../infra/render/traefik/localPlugins";
import { waitFor } from "../support/processes";
import { startTraefik, traefikSkipReason, type RunningTraefik } from "../support/realTraefik";

// The project's static response plugin in the real Traefik, on file-provider routing shaped like what the Kubernetes
// target publishes: a router on the metrics entry point whose middleware answers with the routes' weights, in front of
// noop@internal, which itself answers 418 with no body.
const skipReason = traefikSkipReason("Traefik's static response plugin");

const WEIGHTS_PATH = "/migration/weights";
const PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

const weights = (apiUsers: number) =>
  "# TYPE migration_route_weight gauge\n" +
  `migration_route_weight{route="api-users"} ${apiUsers}\n` +
  'migration_route_weight{route="default"} 0\n';

interface StaticResponse {
  readonly path: string;
  readonly contentType?: string;
  readonly body: string;
}

/**
 * File-provider routing on the metrics entry point: a router per static response, named after it, through its own
 * middleware to noop@internal; and /noop straight to noop@internal, to show what the middleware keeps from the client.
 */
function routing(responses: Record<string, StaticResponse>): string {
  const router = (path: string, middlewares: string[]) => ({
    entryPoints: ["metrics"],
    rule: `Path(\`${path}\`)`,
    middlewares,
    service: "noop@internal",
  });
  const names = Object.keys(responses);
  return dump(
    {
      http: {
        routers: {
          noop: router("/noop", []),
          ...Object.fromEntries(names.map((name) => [name, router(responses[name].path, [name])])),
        },
        middlewares: Object.fromEntries(
          names.map((name) => {
            const { path: _path, ...config } = responses[name];
            return [name, { plugin: { [STATIC_RESPONSE_PLUGIN]: config } }];
          }),
        ),
      },
    },
    { lineWidth: -1, noRefs: true },
  );
}

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly contentLength: string | null;
  readonly body: string;
}

async function get(url: string): Promise<Answer> {
  const response = await fetch(url);
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    contentLength: response.headers.get("content-length"),
    body: await response.text(),
  };
}

describe.skipIf(skipReason !== "")(
  `the static response plugin in Traefik${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let traefik: RunningTraefik | undefined;

    afterEach(async () => {
      await traefik?.stop();
      traefik = undefined;
    });

    /** Traefik on `initial`, once it serves some router of it (a 404 means the routing is not loaded yet). */
    async function start(initial: string, readyPath: string) {
      traefik = await startTraefik(
        initial,
        async (_url, metricsUrl) => (await fetch(new URL(readyPath, metricsUrl))).status !== 404,
      );
      return (path: string) => get(new URL(path, traefik!.metricsUrl).href);
    }

    it("answers with the configured body and Content-Type itself, never the service behind it, and follows a changed body within seconds", async () => {
      const at = await start(
        routing({ weights: { path: WEIGHTS_PATH, contentType: PROMETHEUS_TEXT, body: weights(10) } }),
        WEIGHTS_PATH,
      );
      expect(await at(WEIGHTS_PATH)).toEqual({
        status: 200,
        contentType: PROMETHEUS_TEXT,
        contentLength: String(Buffer.byteLength(weights(10))),
        body: weights(10),
      });
      // What the router would answer if the middleware handed the request on.
      expect(await at("/noop")).toEqual({ status: 418, contentType: null, contentLength: "0", body: "" });

      traefik!.publish(routing({ weights: { path: WEIGHTS_PATH, contentType: PROMETHEUS_TEXT, body: weights(25) } }));
      await waitFor(
        "Traefik to serve the published weights",
        async () => ((await at(WEIGHTS_PATH)).body === weights(25) ? true : undefined),
        5_000,
      );
      expect(await at(WEIGHTS_PATH)).toMatchObject({ status: 200, contentType: PROMETHEUS_TEXT });
      expect(traefik!.output()).not.toMatch(/ ERR /);
    });

    it("serves an empty body, and refuses a middleware without contentType, naming it, while the others serve", async () => {
      const at = await start(
        routing({
          empty: { path: "/empty", contentType: PROMETHEUS_TEXT, body: "" },
          weights: { path: WEIGHTS_PATH, body: weights(10) },
        }),
        "/empty",
      );
      expect(await at("/empty")).toEqual({ status: 200, contentType: PROMETHEUS_TEXT, contentLength: "0", body: "" });
      expect((await at(WEIGHTS_PATH)).status).toBe(404);
      expect(traefik!.output()).toMatch(/weights@file: contentType is required/);
    });
  },
);
