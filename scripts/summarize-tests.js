// Prints the closing line CI reads, "N passed, N failed", over the reports of the suites that ran:
//   --vitest <json>   vitest's JSON report (unit/component/integration, or the real-engine e2e)
//   --junit <xml>     pytest's JUnit XML (the apps' contract suite)
// A report that is missing counts as one failure: a suite that did not run must never look green.
const { existsSync, readFileSync } = require("node:fs");
const { basename } = require("node:path");

function vitestCounts(path) {
  const report = JSON.parse(readFileSync(path, "utf8"));
  return { passed: report.numPassedTests, failed: report.numFailedTests };
}

function junitCounts(path) {
  const xml = readFileSync(path, "utf8");
  const attribute = (name) =>
    [...xml.matchAll(new RegExp(`<testsuite\\b[^>]*\\b${name}="(\\d+)"`, "g"))].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
  const failed = attribute("failures") + attribute("errors");
  return { passed: attribute("tests") - failed - attribute("skipped"), failed };
}

const readers = { "--vitest": vitestCounts, "--junit": junitCounts };
const args = process.argv.slice(2);
const suites = [];
for (let index = 0; index < args.length; index += 2) {
  const [kind, path] = [args[index], args[index + 1]];
  if (!readers[kind] || !path)
    throw new Error(`usage: summarize-tests.js (--vitest|--junit) <report> ...; got ${kind} ${path ?? ""}`);
  const label = `${kind.slice(2)} ${basename(path)}`;
  suites.push(
    existsSync(path) ? { label, ...readers[kind](path) } : { label: `${label}: no report`, passed: 0, failed: 1 },
  );
}
for (const suite of suites) console.log(`  ${suite.label}: ${suite.passed} passed, ${suite.failed} failed`);
const total = suites.reduce(
  (sum, suite) => ({ passed: sum.passed + suite.passed, failed: sum.failed + suite.failed }),
  { passed: 0, failed: 0 },
);
console.log(`${total.passed} passed, ${total.failed} failed`);
