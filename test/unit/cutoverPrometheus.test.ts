import { SERIES } from "../../infra/monitoring/seriesNames";
import { describe, expect, it } from "vitest";
import { parseQueryResponse, parseSampleValue, readMetrics, RECORDING_RULES } from "../../cli/prometheus";

const URL_BASE = "http://127.0.0.1:9090";
const vector = (result: unknown[]) => ({ status: "success", data: { resultType: "vector", result } });
const sample = (route: string, backend: string, value: string) => ({
  metric: { __name__: "x", route, backend },
  value: [1893499200, value],
});

/** A Prometheus that answers each recording rule with the given series, and records the queries it was asked. */
function fakePrometheus(series: Record<string, unknown[]>, asked: string[] = []): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    expect(url.pathname).toBe("/api/v1/query");
    const query = url.searchParams.get("query")!;
    asked.push(query);
    return new Response(JSON.stringify(vector(series[query] ?? [])), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  }) as typeof fetch;
}

describe("Prometheus sample values", () => {
  it("read NaN and the infinities as Prometheus writes them", () => {
    expect([
      parseSampleValue("0.25"),
      parseSampleValue("NaN"),
      parseSampleValue("+Inf"),
      parseSampleValue("-Inf"),
      parseSampleValue(undefined),
      parseSampleValue(""),
    ]).toEqual([0.25, NaN, Infinity, -Infinity, NaN, NaN]);
  });

  it("keep only series labelled with a route and a known backend", () => {
    expect(
      parseQueryResponse(
        vector([
          sample("default", "flask", "1"),
          sample("default", "nginx", "2"),
          { metric: { backend: "fastapi" }, value: [0, "3"] },
        ]),
        "r",
        URL_BASE,
      ),
    ).toEqual([{ route: "default", backend: "flask", value: 1 }]);
  });

  it("name the URL and the query when Prometheus refuses it", () => {
    expect(() =>
      parseQueryResponse(
        { status: "error", errorType: "bad_data", error: "parse error" },
        "migration:route_backend:error_ratio",
        URL_BASE,
      ),
    ).toThrow(
      "Prometheus at http://127.0.0.1:9090 refused the query migration:route_backend:error_ratio: bad_data: parse error",
    );
  });
});

describe("reading the recording rules", () => {
  it("asks for each rule by its exact name and files every figure under route and backend, failovers under route", async () => {
    const asked: string[] = [];
    const reading = await readMetrics(
      URL_BASE,
      fakePrometheus(
        {
          [RECORDING_RULES.requestRate]: [
            sample("api-users-get-head", "flask", "9"),
            sample("api-users-get-head", "fastapi", "1"),
          ],
          [RECORDING_RULES.requestsInWindow]: [
            sample("api-users-get-head", "flask", "2700"),
            sample("api-users-get-head", "fastapi", "300"),
          ],
          [RECORDING_RULES.errorRatio]: [
            sample("api-users-get-head", "flask", "0.001"),
            sample("api-users-get-head", "fastapi", "NaN"),
          ],
          [RECORDING_RULES.latencyP99Seconds]: [sample("api-users-get-head", "flask", "0.12")],
          [RECORDING_RULES.observedShare]: [sample("default", "fastapi", "0.1")],
          [SERIES.failoverRate]: [{ metric: { route: "api-users-get-head" }, value: [1893499200, "0.5"] }],
        },
        asked,
      ),
    );
    expect(asked.sort()).toEqual([
      "migration:route:failover_rate",
      "migration:route_backend:error_ratio",
      "migration:route_backend:latency_p99_seconds",
      "migration:route_backend:observed_share",
      "migration:route_backend:request_rate",
      "migration:route_backend:requests_in_window",
    ]);
    expect(reading).toEqual({
      available: true,
      routes: {
        "api-users-get-head": {
          flask: { requestRate: 9, requestsInWindow: 2700, errorRatio: 0.001, latencyP99Seconds: 0.12 },
          fastapi: { requestRate: 1, requestsInWindow: 300, errorRatio: NaN },
          failoverRate: 0.5,
        },
        default: { flask: {}, fastapi: { observedShare: 0.1 } },
      },
    });
  });

  it("says which URL is unreachable instead of throwing", async () => {
    const refused = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    }) as typeof fetch;
    expect(await readMetrics(URL_BASE, refused)).toEqual({
      available: false,
      reason: "Prometheus at http://127.0.0.1:9090 is unreachable (ECONNREFUSED)",
    });
  });

  it("says when something that is not Prometheus answers", async () => {
    const proxy = (async () => new Response("<html>bad gateway</html>", { status: 502 })) as typeof fetch;
    expect(await readMetrics(`${URL_BASE}/`, proxy)).toMatchObject({
      available: false,
      reason: expect.stringMatching(
        /^Prometheus at http:\/\/127\.0\.0\.1:9090\/ answered HTTP 502 to the query migration:route/,
      ),
    });
  });
});
