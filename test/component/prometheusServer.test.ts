import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { dockerTargetFacts } from "../../components/docker/addressing";
import { planPlatform } from "../../infra/plan/planPlatform";
import { devPlatformConfig } from "../support/configs";
import { RecordingMocks, settle } from "../support/recordingMocks";

const mocks = new RecordingMocks();

describe("PrometheusServer", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(mocks, "migration", "dev", false, "organization");
  });

  it("uploads its static files, consoles included, and serves them with the image's console libraries", async () => {
    const { PrometheusServer } = await import("../../components/docker/prometheusServer");
    const config = devPlatformConfig();
    const plan = planPlatform(config, dockerTargetFacts(config)).monitoring!.prometheus;
    new PrometheusServer("prometheus", { plan, networkName: "network" });
    await settle();
    const container = mocks.named("docker:index/container:Container", "prometheus").inputs;
    expect(container.command).toEqual(
      expect.arrayContaining([
        "--web.console.templates=/etc/prometheus/consoles",
        "--web.console.libraries=/etc/prometheus/console_libraries",
      ]),
    );
    expect(container.uploads).toEqual(plan.files.map((file) => ({ file: file.path, content: file.content })));
    expect(container.uploads.map((upload: { file: string }) => upload.file)).toContain(
      "/etc/prometheus/consoles/flask-vs-fastapi.html",
    );
  });
});
