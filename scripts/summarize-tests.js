// Prints the closing line CI reads, "N passed, N failed", over vitest's JSON report and pytest's JUnit XML.
// A report that is missing counts as one failure: a suite that did not run must never look green.
const { existsSync, readFileSync } = require("node:fs");

function vitestCounts(path) {
  if (!existsSync(path)) return { passed: 0, failed: 1, label: "vitest: no report" };
  const report = JSON.parse(readFileSync(path, "utf8"));
  return { passed: report.numPassedTests, failed: report.numFailedTests, label: "vitest" };
}

function junitCounts(path) {
  if (!existsSync(path)) return { passed: 0, failed: 1, label: "contract: no report" };
  const xml = readFileSync(path, "utf8");
  const attribute = (name) =>
    [...xml.matchAll(new RegExp(`<testsuite\\b[^>]*\\b${name}="(\\d+)"`, "g"))].reduce((sum, match) => sum + Number(match[1]), 0);
  const failed = attribute("failures") + attribute("errors");
  return { passed: attribute("tests") - failed - attribute("skipped"), failed, label: "contract" };
}

const [vitestReport, junitReport] = process.argv.slice(2);
const suites = [vitestCounts(vitestReport), junitCounts(junitReport)];
for (const suite of suites) console.log(`  ${suite.label}: ${suite.passed} passed, ${suite.failed} failed`);
const total = suites.reduce((sum, suite) => ({ passed: sum.passed + suite.passed, failed: sum.failed + suite.failed }), { passed: 0, failed: 0 });
console.log(`${total.passed} passed, ${total.failed} failed`);
