// Prints the table of .ci/run's stages and writes it to reports/ci-stages.json. Reads one stage a line on stdin,
// "<name>\t<seconds>\t<ok|failed>", in the order they ran. The budget these minutes are held to: docs/testing.md.
const { readFileSync, writeFileSync } = require("node:fs");

const stages = readFileSync(0, "utf8")
  .trim()
  .split("\n")
  .map((line) => line.split("\t"))
  .map(([name, seconds, outcome]) => ({ name, seconds: Number(seconds), outcome }));
const total = stages.reduce((sum, stage) => sum + stage.seconds, 0);
writeFileSync(
  "reports/ci-stages.json",
  `${JSON.stringify({ finishedAt: new Date().toISOString(), totalSeconds: total, stages }, null, 2)}\n`,
);

const minutes = (seconds) => (seconds / 60).toFixed(1).padStart(5);
console.log("\nCI stages, minutes (budget: docs/testing.md, CI budget):");
for (const stage of stages) {
  console.log(`  ${minutes(stage.seconds)}  ${stage.name}${stage.outcome === "ok" ? "" : "  (failed)"}`);
}
console.log(`  ${minutes(total)}  total\n`);
