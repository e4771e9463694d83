import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { RecordingMocks, settle } from "../support/recordingMocks";

const mocks = new RecordingMocks();

describe("PrometheusServer", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(mocks, "migration", "dev", false, "organization");
  });

  it("uploads its consoles and serves them with the image's console libraries", async () => {
    const { PrometheusServer, consoleUrlPath } = await import("../../components/docker/prometheusServer");
    new PrometheusServer("prometheus", {
      image: "migration/prometheus:2.42-bookworm",
      networkName: "network",
      config: "global: {}\n",
      ruleFiles: [{ fileName: "migration.rules.yml", content: "groups: []\n" }],
      consoles: [{ fileName: "flask-vs-fastapi.html", content: "<html></html>" }],
      weightRules: { fileName: "weights.rules.yml", content: "groups: []\n" },
      retention: "2d",
      hostPort: 9090,
    });
    await settle();
    const container = mocks.named("docker:index/container:Container", "prometheus").inputs;
    expect(container.command).toEqual(
      expect.arrayContaining([
        "--web.console.templates=/etc/prometheus/consoles",
        "--web.console.libraries=/etc/prometheus/console_libraries",
      ]),
    );
    expect(container.uploads.map((upload: { file: string }) => upload.file)).toEqual([
      "/etc/prometheus/prometheus.yml",
      "/etc/prometheus/rules/migration.rules.yml",
      "/etc/prometheus/consoles/flask-vs-fastapi.html",
    ]);
    expect(container.uploads[2].content).toBe("<html></html>");
    expect(consoleUrlPath("flask-vs-fastapi.html")).toBe("/consoles/flask-vs-fastapi.html");
  });
});
