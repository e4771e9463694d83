import { describe, expect, it } from "vitest";
import {
  cpuPerRequest,
  ingressTable,
  judgeIngress,
  type IngressRowKey,
  type IngressRuns,
  type RunCpu,
} from "../bench/ingressVerdict";
import type { WrkFigures } from "../bench/wrk";

const figures = (requestsPerSecond: number, p50Ms: number, p99Ms: number, failed = 0): WrkFigures => ({
  requestsPerSecond,
  p50Ms,
  p99Ms,
  failed,
});

/** 10 s runs at 1000 req/s: 10,000 requests each. */
const cpu = (ingressUsPerRequest: number, appUsPerRequest: number): RunCpu => ({
  ingressUsec: ingressUsPerRequest * 10_000,
  appUsec: appUsPerRequest * 10_000,
  requests: 10_000,
});

const DOCKER_TRAEFIK: IngressRowKey = { target: "docker", ingress: "traefik", cpuPlacement: "pinned: app on core 0" };
const DOCKER_NGINX: IngressRowKey = { ...DOCKER_TRAEFIK, ingress: "nginx" };
const KUBERNETES_TRAEFIK: IngressRowKey = {
  target: "kubernetes",
  ingress: "traefik",
  cpuPlacement: "unpinned: no static CPU manager",
};

/** Three rounds whose medians are a direct p50 of 0.45 ms and a direct p99 of 3 ms. */
const runsOf = (overrides: Partial<IngressRuns>): IngressRuns => ({
  directThroughput: [figures(3000, 5, 14), figures(2900, 5, 15), figures(3100, 5, 13)],
  ingressThroughput: [figures(2000, 7, 20), figures(2100, 7, 21), figures(1000, 15, 40)],
  ingressThroughputCpu: [cpu(20, 350), cpu(25, 340), cpu(22, 360)],
  directLatency: [figures(2000, 0.45, 3), figures(1900, 0.5, 3.5), figures(2100, 0.4, 2.5)],
  ingressLatency: [figures(1500, 0.7, 4), figures(1400, 0.75, 4.5), figures(1600, 0.65, 3.5)],
  ...overrides,
});

describe("the ingress benchmark's CPU per request", () => {
  it("divides each container's CPU time over the run by the requests wrk completed in it", () => {
    expect(cpuPerRequest({ ingressUsec: 300_000, appUsec: 4_000_000, requests: 10_000 })).toEqual({
      ingressUs: 30,
      appUs: 400,
      ingressShare: 0.075,
    });
  });

  it("refuses a run that completed no request, or an app that used no CPU, rather than report 0 or Infinity", () => {
    expect(() => cpuPerRequest({ ingressUsec: 10, appUsec: 10, requests: 0 })).toThrow(
      "a throughput run completed 0 requests: no CPU per request to compute",
    );
    expect(() => cpuPerRequest({ ingressUsec: 10, appUsec: 0, requests: 5 })).toThrow(
      "the app used 0 µs of CPU over 5 requests: its CPU accounting is not counting",
    );
  });
});

describe("the ingress benchmark's verdict for one flavour", () => {
  it("passes on CPU share and added p50, on the medians of the rounds, whatever the req/s ratio", () => {
    // The third round's throughput through the ingress halved (contention with wrk): reported, not judged.
    const result = judgeIngress(DOCKER_TRAEFIK, runsOf({}));
    expect(result).toMatchObject({
      ...DOCKER_TRAEFIK,
      verdict: "pass",
      misses: [],
      cpuPerRequest: { ingressUs: 22, appUs: 350 },
      failedRequests: 0,
    });
    expect(result.throughputRatio).toBeCloseTo(2000 / 3000);
    expect(result.addedP50Ms).toBeCloseTo(0.7 - 0.45);
    expect(result.addedP99Ms).toBeCloseTo(4 - 3);
  });

  it("takes the share as the median of each run's own share, not a ratio of medians from different runs", () => {
    const result = judgeIngress(
      DOCKER_NGINX,
      runsOf({ ingressThroughputCpu: [cpu(10, 100), cpu(30, 400), cpu(40, 350)] }),
    );
    // Per-run shares 0.1, 0.075, 0.114...: median 0.1; the medians of µs (30 over 350) would say 0.086.
    expect(result.cpuPerRequest).toEqual({ ingressUs: 30, appUs: 350, ingressShare: 0.1 });
    expect(result.verdict).toBe("pass");
  });

  it("names each bar missed: CPU share over 10%, added p50 over 1 ms, failed requests", () => {
    const result = judgeIngress(
      DOCKER_NGINX,
      runsOf({
        ingressThroughputCpu: [cpu(50, 350), cpu(60, 340), cpu(55, 360)],
        ingressLatency: [figures(400, 2.5, 6, 2), figures(450, 2.6, 6), figures(420, 2.4, 5)],
      }),
    );
    expect(result).toMatchObject({
      verdict: "miss",
      misses: [
        "ingress CPU 55 µs/request is 15.3% of the app's 350 µs > 10.0%",
        "added p50 at one connection 2.05 ms > 1 ms",
        "2 failed requests (status >= 400 or socket errors)",
      ],
    });
  });

  it("reports the bare ingress's CPU per request beside the row's as its floor, and names it in a CPU miss", () => {
    const result = judgeIngress(
      DOCKER_TRAEFIK,
      runsOf({
        ingressThroughputCpu: [cpu(50, 350), cpu(60, 340), cpu(55, 360)],
        bare: {
          throughput: [figures(2500, 6, 18), figures(2400, 6, 19), figures(2600, 6, 17, 3)],
          cpu: [cpu(40, 400), cpu(42, 350), cpu(45, 300)],
        },
      }),
    );
    // Per-run bare shares 0.1, 0.12, 0.15: median 0.12, each from the bare ingress and the app over the same run.
    expect(result.bareCpuPerRequest).toEqual({ ingressUs: 42, appUs: 350, ingressShare: 0.12 });
    expect(result.misses).toEqual([
      "ingress CPU 55 µs/request is 15.3% of the app's 350 µs > 10.0% (the same image with a bare config: 12.0%)",
      "3 failed requests (status >= 400 or socket errors)",
    ]);
  });

  it("leaves the floor out where it was not measured", () => {
    expect(judgeIngress(KUBERNETES_TRAEFIK, runsOf({}))).not.toHaveProperty("bareCpuPerRequest");
  });

  it("judges an unpinned row by the same bars, and keeps where it ran", () => {
    const result = judgeIngress(
      KUBERNETES_TRAEFIK,
      runsOf({ ingressThroughputCpu: [cpu(50, 350), cpu(60, 340), cpu(55, 360)] }),
    );
    expect(result).toMatchObject({
      ...KUBERNETES_TRAEFIK,
      verdict: "miss",
      misses: ["ingress CPU 55 µs/request is 15.3% of the app's 350 µs > 10.0%"],
    });
  });

  it("prints one row per target and ingress with the ratio, both CPU figures, the share, the floor's share and the added latencies", () => {
    const [header, row] = ingressTable([judgeIngress(DOCKER_TRAEFIK, runsOf({}))]);
    expect(header.split(/\s{2,}/)).toEqual([
      "target/ingress",
      "cores",
      "direct req/s",
      "ingress req/s",
      "ratio",
      "ingress CPU µs/req",
      "app CPU µs/req",
      "CPU share",
      "bare share",
      "added p50 ms",
      "added p99 ms",
      "verdict",
    ]);
    expect(row.split(/\s+/)).toEqual([
      "docker/traefik",
      "pinned",
      "3000",
      "2000",
      "0.67",
      "22.0",
      "350.0",
      "6.1%",
      "-",
      "0.25",
      "1.00",
      "pass",
    ]);
  });

  it("prints the floor's share where it was measured", () => {
    const [, row] = ingressTable([
      judgeIngress(DOCKER_TRAEFIK, runsOf({ bare: { throughput: [figures(2500, 6, 18)], cpu: [cpu(35, 350)] } })),
    ]);
    expect(row.split(/\s+/)[8]).toBe("10.0%");
  });

  it("marks a row that ran unpinned and says where it ran below the rows", () => {
    const table = ingressTable([
      judgeIngress(DOCKER_TRAEFIK, runsOf({})),
      judgeIngress(KUBERNETES_TRAEFIK, runsOf({})),
    ]);
    expect(table.map((line) => line.split(/\s{2,}/).slice(0, 2))).toEqual([
      ["target/ingress", "cores"],
      ["docker/traefik", "pinned"],
      ["kubernetes/traefik", "unpinned"],
      ["kubernetes/traefik: unpinned: no static CPU manager"],
    ]);
  });

  it("prints a skipped row with why, in place of its figures", () => {
    const [, row, placement] = ingressTable([{ ...KUBERNETES_TRAEFIK, skipped: "no cluster runs here" }]);
    expect(row.split(/\s{2,}/)).toEqual(["kubernetes/traefik", "unpinned", "skipped: no cluster runs here"]);
    expect(placement).toBe("kubernetes/traefik: unpinned: no static CPU manager");
  });
});
