import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { RecordingMocks, secretValue, settle } from "../support/recordingMocks";

const CONTAINER = "docker:index/container:Container";
const SENTRY_DSN = "https://0123456789abcdef0123456789abcdef@o0.ingest.sentry.io/42";

const mocks = new RecordingMocks();

// Without a database URL in the environment, so that the DSN is the only thing that can make it secret.
async function appEnvs(errorTracking?: { sentryDsn: string; environment: string }): Promise<unknown> {
  mocks.reset();
  const { AppService } = await import("../../components/docker/appService");
  new AppService("app", {
    image: "registry:5000/team/app:1.4.2",
    serviceName: "app",
    replicas: 1,
    port: 8000,
    healthPath: "/healthz",
    networkName: "net",
    env: { BACKEND_NAME: "app" },
    errorTracking,
  });
  await settle();
  return mocks.named(CONTAINER, "app-0").inputs.envs;
}

describe("AppService error tracking", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(mocks, "migration", "dev", false, "organization");
  });

  it("passes the DSN to the provider as a secret, with the environment and the image tag as release", async () => {
    expect(secretValue(await appEnvs({ sentryDsn: SENTRY_DSN, environment: "dev" }))).toEqual([
      "BACKEND_NAME=app",
      `SENTRY_DSN=${SENTRY_DSN}`,
      "SENTRY_ENVIRONMENT=dev",
      "SENTRY_RELEASE=app@1.4.2",
      "PORT=8000",
    ]);
  });

  it("adds no SENTRY_* variable, and nothing secret, without error tracking", async () => {
    expect(await appEnvs()).toEqual(["BACKEND_NAME=app", "PORT=8000"]);
  });
});
