import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { dockerTargetFacts } from "../../components/docker/addressing";
import { planPlatform } from "../../infra/plan/planPlatform";
import { devPlatformConfig } from "../support/configs";
import { RecordingMocks, promiseOf, settle } from "../support/recordingMocks";

const mocks = new RecordingMocks();

describe("PostgresDatabase", () => {
  let database: import("../../components/docker/postgresDatabase").PostgresDatabase;

  beforeAll(async () => {
    await pulumi.runtime.setMocks(mocks, "migration", "dev", false, "organization");
    const { PostgresDatabase } = await import("../../components/docker/postgresDatabase");
    const config = devPlatformConfig();
    const planned = planPlatform(config, dockerTargetFacts(config)).database;
    database = new PostgresDatabase("db", {
      plan: { ...planned, databaseName: "shop", user: "shop_owner", retainOnDestroy: true },
      networkName: "net",
      volumeName: "shop-data",
    });
    await promiseOf(database.asyncUrl);
  });

  it("keeps the password and every URL derived from it secret", async () => {
    for (const output of [database.password, database.syncUrl, database.asyncUrl])
      expect(await pulumi.isSecret(output)).toBe(true);
  });

  it("builds a psycopg2 URL for Flask and an asyncpg URL for FastAPI", async () => {
    expect(await promiseOf(database.syncUrl)).toBe(
      "postgresql://shop_owner:mock-password-0123456789abcdef@postgres:5432/shop",
    );
    expect(await promiseOf(database.asyncUrl)).toBe(
      "postgresql+asyncpg://shop_owner:mock-password-0123456789abcdef@postgres:5432/shop",
    );
  });

  it("names child resources after the component", async () => {
    await settle();
    expect(mocks.resources.map((resource) => `${resource.type}::${resource.name}`).sort()).toEqual(
      [
        "migration:docker:PostgresDatabase::db",
        "random:index/randomPassword:RandomPassword::db-password",
        "docker:index/volume:Volume::db-data",
        "docker:index/container:Container::db",
      ].sort(),
    );
  });
});
