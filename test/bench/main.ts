import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../support/stackConfig";
import { benchApps } from "./appsSideBySide";
import type { SectionOutcome } from "./benchSection";
import { benchControlPlane } from "./controlPlane";
import { benchIngress } from "./ingressOverhead";

/**
 * `npm run bench [-- <section>...]`: Flask versus FastAPI (`apps`), the ingress's overhead (`ingress`), then how fast
 * the cutover's operations answer (`control-plane`), or only the sections named. Each section's figures replace its
 * part of reports/bench.json as soon as it is measured, with the time it was; a section not run this time keeps the
 * figures of its last run. A section that records the commit it measured keeps the figures of an earlier commit as
 * `previous`, so a change's before and after stand side by side. A missed bar in any section makes the run exit
 * non-zero.
 */
const SECTIONS: Record<string, () => Promise<SectionOutcome>> = {
  apps: benchApps,
  ingress: benchIngress,
  "control-plane": benchControlPlane,
};
const REPORT = join(REPO_ROOT, "reports", "bench.json");

function requestedSections(args: readonly string[]): string[] {
  const unknown = args.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0)
    throw new Error(`unknown section ${unknown.join(", ")}; the sections are ${Object.keys(SECTIONS).join(", ")}`);
  return args.length > 0 ? [...new Set(args)] : Object.keys(SECTIONS);
}

/** The sections `report` holds, in the order of SECTIONS. */
const sectionsOf = (report: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.keys(SECTIONS).flatMap((name) => (name in report ? [[name, report[name]]] : [])));

/** The last run of a section, when it measured another commit than this run (its own `previous` dropped). */
function previousOf(last: unknown, current: Record<string, unknown>): { previous?: unknown } {
  if (!last || typeof last !== "object" || !("commit" in last) || !("commit" in current)) return {};
  const { previous, ...lastRun } = last as Record<string, unknown>;
  if (lastRun.commit !== current.commit) return { previous: lastRun };
  return previous === undefined ? {} : { previous };
}

async function main() {
  const sections = requestedSections(process.argv.slice(2));
  // The last run's figures of the sections not run this time.
  const measured = existsSync(REPORT) ? sectionsOf(JSON.parse(readFileSync(REPORT, "utf8"))) : {};
  const missed: string[] = [];
  const tables: string[] = [];
  for (const name of sections) {
    console.log(`\n== ${name} ==`);
    const outcome = await SECTIONS[name]();
    const generatedAt = new Date().toISOString();
    measured[name] = { generatedAt, ...outcome.report, ...previousOf(measured[name], outcome.report) };
    mkdirSync(join(REPO_ROOT, "reports"), { recursive: true });
    writeFileSync(REPORT, `${JSON.stringify({ generatedAt, ...sectionsOf(measured) }, null, 2)}\n`);
    tables.push(`\n${name}\n${outcome.table.join("\n")}`);
    missed.push(...outcome.missed);
  }
  console.log(tables.join("\n"));
  console.log(`\nfigures written to ${REPORT}`);
  if (missed.length > 0) {
    console.error(`bars missed:\n  ${missed.join("\n  ")}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
