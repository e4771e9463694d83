import { describe, expect, it } from "vitest";
import { effectiveWeight } from "../../infra/routing/matching";
import {
  caseName,
  MATCHING_MAP,
  OVERRIDE_HEADER,
  planFor,
  ROUTE_MATCHING_CASES,
  usesOverrideHeader,
} from "../support/routeMatchingCases";

// The TypeScript matcher takes a path and a method, nothing else: the override header is the ingress's own, applied
// before any route is looked at, so the cases that send it have no counterpart here. The integration tests run them
// through Traefik and nginx.
const matcherCases = ROUTE_MATCHING_CASES.filter((testCase) => !usesOverrideHeader(testCase));

// The ingress matches the path of the request target; the matcher is handed that path, never a query string.
const pathOf = (target: string) => target.split("?")[0];

describe("the shared routing cases, against the TypeScript matcher", () => {
  it.each(matcherCases.map((testCase) => [caseName(testCase), testCase] as const))("%s", (_, testCase) => {
    expect(effectiveWeight(MATCHING_MAP, pathOf(testCase.path), testCase.method)).toBe(
      testCase.expected === "fastapi" ? 100 : 0,
    );
  });

  it("leaves out no case for another reason: the table sends no header but the override header", () => {
    const headerNames = ROUTE_MATCHING_CASES.flatMap((testCase) => Object.keys(testCase.headers ?? {}));
    expect(new Set(headerNames)).toEqual(new Set([OVERRIDE_HEADER]));
  });

  it("sends its override cases with the header the table's plan is rendered with", () => {
    const servers = { servers: ["127.0.0.1:1"] };
    expect(planFor({ fastapi: servers, flask: servers }).overrideHeader).toBe(OVERRIDE_HEADER);
  });
});
