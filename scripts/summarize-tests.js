// Prints the closing line CI reads, "N passed, N failed", over the reports of the suites that ran:
//   --vitest <json>   vitest's JSON report (unit/component/integration, or the real-engine e2e)
//   --junit <xml>     pytest's JUnit XML (the apps' contract suite)
// A report that is missing counts as one failure: a suite that did not run must never look green. Each failure is
// named above the counts, with the first line of its message: a long log is often read from its end only.
const { existsSync, readFileSync } = require("node:fs");
const { basename, relative } = require("node:path");

const firstLine = (text) => (text ?? "").trim().split("\n")[0].slice(0, 300);

function vitestResults(path) {
  const report = JSON.parse(readFileSync(path, "utf8"));
  const failures = [];
  let filesFailedOutsideTests = 0;
  for (const file of report.testResults) {
    const where = relative(process.cwd(), file.name);
    const failedTests = file.assertionResults.filter((test) => test.status === "failed");
    for (const test of failedTests) failures.push(`${where} › ${test.fullName}: ${firstLine(test.failureMessages[0])}`);
    // A file that failed outside its tests (an import, a beforeAll) may have no failed test to count: it counts as one.
    if (file.status === "failed" && failedTests.length === 0) {
      filesFailedOutsideTests += 1;
      failures.push(
        `${where}: ${firstLine(file.message) || "failed outside its tests (a hook or an import: see the log)"}`,
      );
    }
  }
  return { passed: report.numPassedTests, failed: report.numFailedTests + filesFailedOutsideTests, failures };
}

function junitResults(path) {
  const xml = readFileSync(path, "utf8");
  const attribute = (name) =>
    [...xml.matchAll(new RegExp(`<testsuite\\b[^>]*\\b${name}="(\\d+)"`, "g"))].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
  const failures = [
    ...xml.matchAll(
      /<testcase\b[^>]*\bclassname="([^"]*)"[^>]*\bname="([^"]*)"[^>]*>\s*<(?:failure|error)\b[^>]*?message="([^"]*)"/g,
    ),
  ].map(([, classname, name, message]) => `${classname}::${name}: ${firstLine(message)}`);
  const failed = attribute("failures") + attribute("errors");
  return { passed: attribute("tests") - failed - attribute("skipped"), failed, failures };
}

const readers = { "--vitest": vitestResults, "--junit": junitResults };
const args = process.argv.slice(2);
const suites = [];
for (let index = 0; index < args.length; index += 2) {
  const [kind, path] = [args[index], args[index + 1]];
  if (!readers[kind] || !path)
    throw new Error(`usage: summarize-tests.js (--vitest|--junit) <report> ...; got ${kind} ${path ?? ""}`);
  const label = `${kind.slice(2)} ${basename(path)}`;
  suites.push(
    existsSync(path)
      ? { label, ...readers[kind](path) }
      : { label: `${label}: no report`, passed: 0, failed: 1, failures: [] },
  );
}
for (const suite of suites) for (const failure of suite.failures) console.log(`  FAILED ${suite.label}: ${failure}`);
for (const suite of suites) console.log(`  ${suite.label}: ${suite.passed} passed, ${suite.failed} failed`);
const total = suites.reduce(
  (sum, suite) => ({ passed: sum.passed + suite.passed, failed: sum.failed + suite.failed }),
  { passed: 0, failed: 0 },
);
console.log(`${total.passed} passed, ${total.failed} failed`);
