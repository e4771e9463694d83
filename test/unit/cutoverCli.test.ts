import { describe, expect, it } from "vitest";
import { describePulumiFailure } from "../../cli/pulumiStack";
import { CliError } from "../../cli/cliError";
import { advance } from "../../cli/commands/advance";
import { rollback } from "../../cli/commands/rollback";
import { parseAdvanceRequest } from "../../infra/cutover/advanceRequest";
import type { MetricsReading } from "../../infra/cutover/routeFigures";
import { cli, fakeDeps, fakeStack, ROUTE_IDS } from "../support/cutoverFakes";
import { stackFileConfig } from "../support/stackConfig";

const unreachable: MetricsReading = {
  available: false,
  reason: "Prometheus at http://127.0.0.1:9090 is unreachable (ECONNREFUSED)",
};

describe("input validation", () => {
  it("refuses a weight outside 0..100", async () => {
    expect(await cli(["advance", "--stack", "dev", "--to", "150"])).toMatchObject({
      code: 2,
      err: 'error: --to must be an integer from 0 to 100 (percent of traffic sent to FastAPI); got "150"\n',
    });
  });

  it("refuses --force without --reason before touching the stack", async () => {
    const { stack, calls } = fakeStack();
    expect(await cli(["advance", "--stack", "dev", "--force"], stack)).toMatchObject({
      code: 2,
      err: expect.stringContaining('error: --force needs --reason "..."'),
    });
    expect(calls).toEqual([]);
  });

  it("refuses an unknown route, naming the ones there are", async () => {
    const result = await cli(["rollback", "--stack", "dev", "--route", "/api/nope"]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /^error: unknown route "\/api\/nope" on stack dev; name a route by its path as in config or by its id: api-users-get-head = /,
    );
  });

  it("reports an unknown stack", async () => {
    expect(await cli(["status", "--stack", "prod2"])).toMatchObject({
      code: 1,
      err: 'error: unknown stack "prod2" in backend file:///state; stacks there: dev\n',
    });
  });

  it("requires --stack", async () => {
    const result = await cli(["status"]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("error: required option '-s, --stack <stack>' not specified");
  });
});

describe("advance", () => {
  it("sets the next step of every split route, runs the update with who and why, then verifies the new split", async () => {
    const { stack, calls } = fakeStack();
    const { deps, verified } = fakeDeps(stack);
    expect(await advance(deps, parseAdvanceRequest({ stack: "dev", reason: "canary healthy" }))).toBe(0);
    expect(calls).toEqual([
      {
        call: "setWeights",
        args: [
          [
            { configPath: ["routes", 0, "weight"], weight: 50 },
            { configPath: ["defaultWeight"], weight: 50 },
          ],
        ],
      },
      {
        call: "up",
        args: ["cutover advance by alice: api-users-get-head 10→50%, default 10→50%; reason: canary healthy"],
      },
    ]);
    expect(verified).toEqual([
      [
        { routeId: "api-users-get-head", weight: 50, probe: { path: "/api/users", method: "GET" } },
        { routeId: "default", weight: 50, probe: { path: "/healthz", method: "GET" } },
      ],
    ]);
  });

  it("opens a route at 0% when named, probing it without writing", async () => {
    const { stack, calls } = fakeStack();
    const { deps, verified } = fakeDeps(stack);
    expect(await advance(deps, parseAdvanceRequest({ stack: "dev", route: "/api/orders" }))).toBe(0);
    expect(calls[1]).toEqual({
      call: "up",
      args: ["cutover advance by alice: api-orders-post-put-patch-delete 0→10%"],
    });
    expect(verified).toEqual([
      [
        {
          routeId: "api-orders-post-put-patch-delete",
          weight: 10,
          probe: { path: "/api/orders/cutover-probe", method: "POST" },
        },
      ],
    ]);
  });

  it("refuses with exit code 3 and changes nothing when Prometheus is unreachable, saying so", async () => {
    const { stack, calls } = fakeStack();
    const result = await cli(["advance", "--stack", "dev", "--route", "/api/users"], stack, unreachable);
    expect(result.code).toBe(3);
    expect(result.out).toContain(
      "Warning: Prometheus at http://127.0.0.1:9090 is unreachable (ECONNREFUSED); the metric gates cannot pass.",
    );
    expect(result.out).toContain(
      'Refused: 3 gates did not pass; wait and try again, or override with --force --reason "...".',
    );
    expect(calls).toEqual([]);
  });

  it("records the overridden gates and the reason when forced", async () => {
    const { stack, calls } = fakeStack();
    const result = await cli(
      [
        "advance",
        "--stack",
        "dev",
        "--route",
        "api-users-get-head",
        "--force",
        "--reason",
        "Prometheus is down, load test passed",
      ],
      stack,
      unreachable,
    );
    expect(result.code).toBe(0);
    expect(calls[1]).toEqual({
      call: "up",
      args: [
        "cutover advance by alice: api-users-get-head 10→50%; forced past traffic, errorRatio, latencyP99; reason: Prometheus is down, load test passed",
      ],
    });
  });

  it("refuses a step above maxStep even when forced", async () => {
    const { stack, calls } = fakeStack();
    const result = await cli(
      ["advance", "--stack", "dev", "--route", "default", "--to", "100", "--force", "--reason", "hurry"],
      stack,
    );
    expect(result.code).toBe(3);
    expect(result.out).toContain("10% → 100% is a step of 90 points; maxStep is 50 (at most 60%)");
    expect(calls).toEqual([]);
  });

  it("previews a dry run without changing the stack's config", async () => {
    const { stack, calls } = fakeStack();
    const result = await cli(["advance", "--stack", "dev", "--route", "/api/users", "--dry-run"], stack);
    expect(result.code).toBe(0);
    expect(calls).toEqual([{ call: "preview", args: [["api-users-get-head 50"]] }]);
    expect(result.out).toContain("Dry run: nothing changed; advance would go ahead.");
  });

  it("sets the weights back when the update fails, and says why it failed", async () => {
    const { stack, calls } = fakeStack({
      upError: new CliError("an update is already running on stack dev; wait for it to finish"),
    });
    const result = await cli(["advance", "--stack", "dev", "--route", "/api/users"], stack);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "error: an update is already running on stack dev; wait for it to finish\nThe update did not complete; the stack's config was set back to the weights before.\n",
    );
    expect(calls.map((entry) => entry.args[0])).toEqual([
      [{ configPath: ["routes", 0, "weight"], weight: 50 }],
      expect.any(String),
      [{ configPath: ["routes", 0, "weight"], weight: 10 }],
    ]);
  });

  it("refuses while configured weights are not deployed", async () => {
    const result = await cli(["advance", "--stack", "dev"], fakeStack({ deployedUsersWeight: 50 }).stack);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "  - api-users-get-head (/api/users (GET, HEAD)) is configured at 10% but 50% is deployed",
    );
  });
});

describe("rollback", () => {
  it("sends every route to Flask without asking Prometheus, and verifies it", async () => {
    const { stack, calls } = fakeStack();
    const { deps, printed, verified, writtenNow } = fakeDeps(stack, unreachable);
    expect(await rollback(deps, { stack: "dev", reason: "5xx spike" })).toBe(0);
    // Traffic first: the 0% routing goes into the running ingress before the update records it.
    expect(writtenNow).toHaveLength(1);
    expect([writtenNow[0].defaultWeight, ...writtenNow[0].routes.map((route) => route.weight)]).toEqual([0, 0, 0]);
    expect(calls).toEqual([
      {
        call: "setWeights",
        args: [
          [
            { configPath: ["routes", 0, "weight"], weight: 0 },
            { configPath: ["defaultWeight"], weight: 0 },
          ],
        ],
      },
      { call: "up", args: ["cutover rollback by alice: api-users-get-head 10→0%, default 10→0%; reason: 5xx spike"] },
    ]);
    expect(verified[0].map((expectation) => [expectation.routeId, expectation.weight])).toEqual(
      ROUTE_IDS.map((id) => [id, 0]),
    );
    expect(printed).toContain("Traffic matches the new weights (observed after 1.2 s).");
  });

  it("still deploys when 0% is configured but a higher weight is live", async () => {
    const config = {
      ...stackFileConfig("Pulumi.dev.yaml"),
      "migration:defaultWeight": "0",
      "migration:routes": JSON.stringify([
        { path: "/api/users", methods: ["GET", "HEAD"], weight: 0 },
        { path: "/api/orders", methods: ["POST", "PUT", "PATCH", "DELETE"], weight: 0 },
      ]),
    };
    const { stack, calls } = fakeStack({ config });
    const { deps } = fakeDeps(stack);
    expect(await rollback(deps, { stack: "dev", route: "/api/users" })).toBe(0);
    expect(calls).toEqual([{ call: "up", args: ["cutover rollback by alice: deploying the configured 0% weights"] }]);
  });
});

describe("status", () => {
  it("prints JSON for machines", async () => {
    const result = await cli(["status", "--stack", "dev", "--json"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out);
    expect(
      json.routes.map((route: { id: string; configuredWeight: number; secondsSinceLastStep: number }) => [
        route.id,
        route.configuredWeight,
        route.secondsSinceLastStep,
      ]),
    ).toEqual([
      ["api-users-get-head", 10, 1740],
      ["api-orders-post-put-patch-delete", 0, 1740],
      ["default", 10, 1740],
    ]);
  });
});

describe("report", () => {
  it("judges the next step of every split route with the gates advance would apply", async () => {
    const result = await cli(["report", "--stack", "dev"], fakeStack().stack, unreachable);
    expect(result.code).toBe(0);
    expect(result.out).toContain("# Migration report: stack dev\n");
    expect(result.out).toContain("No figures: Prometheus at http://127.0.0.1:9090 is unreachable (ECONNREFUSED)\n");
    expect(result.out).toContain(
      "Next step: api-users-get-head 10→50%, default 10→50%; `advance` would refuse (without --force).\n",
    );
  });

  it("is JSON with --json", async () => {
    const json = JSON.parse((await cli(["report", "--stack", "dev", "--json"])).out);
    expect(json.nextStep.decision).toBe("advance");
    expect(json.history).toHaveLength(1);
  });
});

describe("failed pulumi runs", () => {
  it("name a concurrent update", () => {
    expect(
      describePulumiFailure({ code: 255, stderr: "error: the stack is currently locked by 1 lock(s)" }, "dev", "up")
        .message,
    ).toBe(
      "an update is already running on stack dev; wait for it to finish (if it was interrupted, `pulumi cancel --stack dev` releases the lock), then run the command again",
    );
  });

  it("show Pulumi's error lines for a failed command", () => {
    const failure = { code: 255, stderr: "warning: x\nerror: Invalid stack configuration (1 problem)\n" };
    expect(describePulumiFailure(failure, "dev", "up").message).toBe(
      "pulumi up failed on stack dev:\nerror: Invalid stack configuration (1 problem)",
    );
  });

  it("say when the pulumi CLI is missing", () => {
    expect(describePulumiFailure({ code: "ENOENT" }, "dev", "config").message).toMatch(
      /^the pulumi CLI is not on PATH/,
    );
  });
});
