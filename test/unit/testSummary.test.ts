import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/stackConfig";

// scripts/summarize-tests.js prints the closing line CI reads; a failure must be named where the log's end shows it.
const directory = mkdtempSync(join(tmpdir(), "test-summary-"));

function summarize(...args: string[]): string[] {
  return execFileSync("node", [join(REPO_ROOT, "scripts", "summarize-tests.js"), ...args], {
    cwd: directory,
    encoding: "utf8",
  })
    .trimEnd()
    .split("\n");
}

function vitestReport(name: string, report: object): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify(report));
  return path;
}

const passedTest = { fullName: "a passes", status: "passed", failureMessages: [] };

describe("the test summary", () => {
  it("names each failed test with its message's first line, above the counts and the closing line", () => {
    const vitest = vitestReport("vitest.json", {
      numPassedTests: 1,
      numFailedTests: 1,
      testResults: [
        {
          name: join(directory, "test", "x.test.ts"),
          status: "failed",
          assertionResults: [
            passedTest,
            { fullName: "b waits", status: "failed", failureMessages: ["Error: timed out\n    at somewhere"] },
          ],
        },
      ],
    });
    const junit = join(directory, "contract.xml");
    writeFileSync(
      junit,
      '<testsuites><testsuite errors="0" failures="1" skipped="0" tests="2">' +
        '<testcase classname="tests.test_users" name="test_ok" time="0.1" />' +
        '<testcase classname="tests.test_users" name="test_read" time="0.2"><failure message="assert 404 == 200">' +
        "trace</failure></testcase></testsuite></testsuites>",
    );
    expect(summarize("--vitest", vitest, "--junit", junit)).toEqual([
      "  FAILED vitest vitest.json: test/x.test.ts › b waits: Error: timed out",
      "  FAILED junit contract.xml: tests.test_users::test_read: assert 404 == 200",
      "  vitest vitest.json: 1 passed, 1 failed",
      "  junit contract.xml: 1 passed, 1 failed",
      "2 passed, 2 failed",
    ]);
  });

  it("counts a file that failed outside its tests, and a missing report, as one failure each", () => {
    const vitest = vitestReport("hook.json", {
      numPassedTests: 0,
      numFailedTests: 0,
      testResults: [
        {
          name: join(directory, "test", "y.test.ts"),
          status: "failed",
          message: "Error: beforeAll hook timed out",
          assertionResults: [{ fullName: "c", status: "skipped", failureMessages: [] }],
        },
      ],
    });
    expect(summarize("--vitest", vitest, "--vitest", join(directory, "absent.json"))).toEqual([
      "  FAILED vitest hook.json: test/y.test.ts: Error: beforeAll hook timed out",
      "  vitest hook.json: 0 passed, 1 failed",
      "  vitest absent.json: no report: 0 passed, 1 failed",
      "0 passed, 2 failed",
    ]);
  });
});
