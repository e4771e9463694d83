import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { planApp } from "../../infra/plan/planPlatform";
import { RecordingMocks, secretValue, settle } from "../support/recordingMocks";

const CONTAINER = "docker:index/container:Container";
const SENTRY_DSN = "https://0123456789abcdef0123456789abcdef@o0.ingest.sentry.io/42";

const mocks = new RecordingMocks();

// With a database URL in plain text, so that the DSN is the only thing that can make the environment secret.
async function appEnvs(errorTracking?: { sentryDsn: string; environment: string }): Promise<unknown> {
  mocks.reset();
  const { AppService } = await import("../../components/docker/appService");
  new AppService("app", {
    plan: planApp("fastapi", {
      image: "registry:5000/team/app:1.4.2",
      replicas: 1,
      port: 8000,
      databaseUrl: "async",
      errorTracking,
    }),
    networkName: "net",
    databaseUrls: { async: "postgresql+asyncpg://db/app" },
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
      "DATABASE_URL=postgresql+asyncpg://db/app",
      "BACKEND_NAME=fastapi",
      `SENTRY_DSN=${SENTRY_DSN}`,
      "SENTRY_ENVIRONMENT=dev",
      "SENTRY_RELEASE=fastapi@1.4.2",
      "PORT=8000",
    ]);
  });

  it("adds no SENTRY_* variable, and nothing secret, without error tracking", async () => {
    expect(await appEnvs()).toEqual(["DATABASE_URL=postgresql+asyncpg://db/app", "BACKEND_NAME=fastapi", "PORT=8000"]);
  });
});
