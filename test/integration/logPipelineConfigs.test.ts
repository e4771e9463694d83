import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTAINER_NAME_PATTERN } from "../../infra/contract/dockerNames";
import { renderLogAgentConfig } from "../../infra/monitoring/logAgentConfig";
import { renderLokiConfig } from "../../infra/monitoring/lokiConfig";
import { findLokiTools, type LokiTools } from "../support/lokiBuild";

// The real Loki and Promtail, built from the Go module proxy (scripts/docker/build-loki-binaries.sh; scripts/test.sh
// runs it when Go is installed), from the build cache or else inside their images.
const found = findLokiTools();
const skipReason = "missing" in found ? ` (skipped: ${found.missing})` : "";
if ("missing" in found) console.warn(`log pipeline file checks skipped: ${found.missing}`);

describe.skipIf("missing" in found)(
  `the log pipeline's files, checked by Loki and Promtail themselves${skipReason}`,
  () => {
    const tools = found as LokiTools;
    let workDir: string;

    /** Writes `content` as `name` in the work directory, readable by the images' unprivileged users. */
    const file = (name: string, content: string) => {
      writeFileSync(join(workDir, name), content, { mode: 0o644 });
      return `{dir}/${name}`;
    };

    beforeAll(() => {
      workDir = mkdtempSync(join(tmpdir(), "log-pipeline-"));
      chmodSync(workDir, 0o755);
    });

    afterAll(() => {
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    it.each(["2d", "30d", "1y"])("Loki accepts loki.yml with a retention of %s (-verify-config)", (retention) => {
      const result = tools.run("loki", workDir, [
        `-config.file=${file(`loki-${retention}.yml`, renderLokiConfig({ retention }))}`,
        "-verify-config",
      ]);
      expect(result.ok, result.output).toBe(true);
    });

    it("Loki's -verify-config does refuse a broken file (so the check above means something)", () => {
      const broken = renderLokiConfig({ retention: "7d" }).replace("retention_period: 7d", "retention_period: 7 days");
      const result = tools.run("loki", workDir, [`-config.file=${file("loki-broken.yml", broken)}`, "-verify-config"]);
      expect(result.ok).toBe(false);
      expect(result.output).toContain("7 days");
    });

    it("Promtail accepts promtail.yml, its relabelling regexes included (-check-syntax)", () => {
      const config = renderLogAgentConfig({
        pushUrl: "http://loki:3100/loki/api/v1/push",
        networkName: "network-5d1c2e9",
      });
      const result = tools.run("promtail", workDir, [`-config.file=${file("promtail.yml", config)}`, "-check-syntax"]);
      expect(result.ok, result.output).toBe(true);
    });

    it("Promtail's -check-syntax does refuse a regex RE2 cannot compile (the name patterns are RE2)", () => {
      const config = renderLogAgentConfig({
        pushUrl: "http://loki:3100/loki/api/v1/push",
        networkName: "network-5d1c2e9",
      }).replace(CONTAINER_NAME_PATTERN.service, "(?=lookahead)");
      const result = tools.run("promtail", workDir, [
        `-config.file=${file("promtail-broken.yml", config)}`,
        "-check-syntax",
      ]);
      expect(result.ok).toBe(false);
    });
  },
);
