import { describe, expect, it } from "vitest";
import { decommissionVerdict } from "../../infra/contract/decommission";

describe("decommissioning Flask", () => {
  it("is allowed once the platform sends Flask nothing", () => {
    expect(decommissionVerdict("organization/migration/dev", [], false)).toEqual({ allowed: true });
  });

  it("is refused while any route still reaches Flask, listing them", () => {
    const verdict = decommissionVerdict("organization/migration/dev", ["/api/orders (all methods): 100%"], false);
    expect(verdict).toEqual({
      allowed: false,
      reason:
        "platform stack organization/migration/dev still routes traffic to Flask:\n  - /api/orders (all methods): 100%\n" +
        "Set those weights to 100 in the platform stack and run `pulumi up` there first; then destroy this stack.",
    });
  });

  it("is refused when the platform's routing cannot be read", () => {
    const verdict = decommissionVerdict("organization/migration/dev", undefined, false);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed ? "" : verdict.reason).toMatch(
      /^cannot read output "flaskTraffic" of platform stack organization\/migration\/dev/,
    );
  });

  it("is allowed when forced, whatever the platform says", () => {
    expect(decommissionVerdict("organization/migration/dev", undefined, true)).toEqual({ allowed: true });
  });
});
