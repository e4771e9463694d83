import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { jobFailure } from "../../components/docker/oneShotContainer";
import { RecordingMocks, promiseOf, settle } from "../support/recordingMocks";

const mocks = new RecordingMocks();

describe("OneShotContainer", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(mocks, "migration", "dev", false, "organization");
  });

  it("runs to completion during the update, keeping its output", async () => {
    const { OneShotContainer } = await import("../../components/docker/oneShotContainer");
    const job = new OneShotContainer("job", { image: "tools:1", command: ["true"] });
    expect(await promiseOf(job.succeeded)).toBe(true);
    await settle();
    expect(mocks.named("docker:index/container:Container", "job").inputs).toMatchObject({
      image: "tools:1",
      entrypoints: ["true"],
      attach: true,
      logs: true,
      mustRun: false,
      restart: "no",
    });
  });
});

// A failing job rejects `succeeded`, which fails the update where it is consumed; under mocks a rejected Output
// surfaces as an unhandled error, so the decision itself is tested as the pure function it is.
describe("a job's failure", () => {
  it("is reported with the job's name, exit code and output", () => {
    expect(jobFailure("schema-migration", 1, "alembic: relation users already exists\n")).toBe(
      "schema-migration exited with code 1; its output:\nalembic: relation users already exists",
    );
  });

  it("says so when the job printed nothing", () => {
    expect(jobFailure("publish", 2, "")).toBe("publish exited with code 2; its output:\n(none)");
  });

  it("is no failure at exit code 0, nor before the exit code is known", () => {
    expect(jobFailure("job", 0, "done")).toBeUndefined();
    expect(jobFailure("job", undefined, undefined)).toBeUndefined();
  });
});
