import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");

describe("formatting", () => {
  // The same check a developer runs with `npm run format:check`; `npm run format` fixes what it lists.
  it("every file Prettier understands is formatted as .prettierrc.json says", () => {
    const check = spawnSync(resolve(root, "node_modules/.bin/prettier"), ["--check", "."], {
      cwd: root,
      encoding: "utf8",
    });
    const unformatted = `${check.stdout}${check.stderr}`
      .split("\n")
      .filter((line) => line.startsWith("[warn] ") && !line.includes("Code style issues"))
      .map((line) => line.slice("[warn] ".length));
    expect(unformatted, "run `npm run format`").toEqual([]);
    expect(check.status, check.stderr).toBe(0);
  });
});
