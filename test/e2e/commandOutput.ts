import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../support/stackConfig";

/** Keeps what a cutover command printed in a real run, under reports/cutover/, beside the e2e's figures. */
export function saveCommandOutput(fileName: string, text: string): string {
  const directory = join(REPO_ROOT, "reports", "cutover");
  mkdirSync(directory, { recursive: true });
  const path = join(directory, fileName);
  writeFileSync(path, text);
  return path;
}
