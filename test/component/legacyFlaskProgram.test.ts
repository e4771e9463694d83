import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { plainInputs, RecordingMocks, runProgram, secretValue } from "../support/recordingMocks";
import { stackFileConfig } from "../support/stackConfig";

const PLATFORM = "organization/migration/dev";
const CONTAINER = "docker:index/container:Container";
const DATABASE_URL = "postgresql://migration:secret-pw@postgres:5432/migration";
const SENTRY_KEY = "0123456789abcdef0123456789abcdef";
const SENTRY_DSN = `https://${SENTRY_KEY}@o0.ingest.sentry.io/42`;
const MANAGED_FLASK = { mode: "managed", image: "migration/legacy-flask:0.1.0", port: 5000, replicas: 1 };

const mocks = new RecordingMocks();
let legacyFlaskProgram: () => Promise<Record<string, unknown>>;

const run = (config = stackFileConfig("stacks/legacy-flask/Pulumi.dev.yaml")) =>
  runProgram(mocks, legacyFlaskProgram, { project: "legacy-flask", stack: "dev", config });

/** The platform's outputs, secret where the platform exports them as secrets. */
function platformExports(flask: unknown, errorTracking?: unknown) {
  mocks.setStackOutputs(
    PLATFORM,
    {
      networkName: "migration-network",
      databaseUrl: DATABASE_URL,
      flask,
      flaskTraffic: ["every other path (defaultWeight): 90%"],
      ...(errorTracking === undefined ? {} : { errorTracking }),
    },
    ["databaseUrl", "errorTracking"],
  );
}

beforeAll(async () => {
  await pulumi.runtime.setMocks(mocks, "legacy-flask", "dev", false, "organization");
  ({ legacyFlaskProgram } = await import("../../stacks/legacy-flask/program"));
});

describe("the legacy Flask stack", () => {
  it("runs Flask as the platform configures it, on the platform's network and database", async () => {
    platformExports({ mode: "managed", image: "migration/legacy-flask:0.2.0", port: 5000, replicas: 2 });
    const { outputs } = await run();
    const pairs = mocks.resources.map((resource) => `${resource.type}::${resource.name}`).sort();
    expect(pairs).toEqual(
      [
        "pulumi:pulumi:StackReference::platform",
        "pulumi:providers:docker::docker",
        "migration:docker:AppService::flask",
        `${CONTAINER}::flask-0`,
        `${CONTAINER}::flask-1`,
        "pulumi-nodejs:dynamic:Resource::decommission-guard",
      ].sort(),
    );
    const flask = mocks.named(CONTAINER, "flask-1").inputs;
    expect(flask.image).toBe("migration/legacy-flask:0.2.0");
    expect(flask.networksAdvanced).toEqual([{ name: "migration-network", aliases: ["flask-1", "flask"] }]);
    expect(secretValue<string[]>(flask.envs)).toEqual([
      `DATABASE_URL=${DATABASE_URL}`,
      "BACKEND_NAME=flask",
      "PORT=5000",
    ]);
    expect(flask.healthcheck.tests.join(" ")).toContain("http://127.0.0.1:5000/healthz");
    expect(outputs).toEqual({
      containers: ["flask-0-generated", "flask-1-generated"],
      image: "migration/legacy-flask:0.2.0",
      replicas: 2,
    });
  });

  it("guards its own destroy with the cutover command's check of the platform's routing and backup window", async () => {
    platformExports({ mode: "managed", image: "migration/legacy-flask:0.2.0", port: 5000, replicas: 1 });
    await run();
    const guard = mocks.named("pulumi-nodejs:dynamic:Resource", "decommission-guard").inputs;
    expect(guard.platformStack).toBe(PLATFORM);
    expect(guard.forceDecommission).toBe(false);
    expect(guard.__provider).toContain("Refusing to decommission Flask");
    expect(guard.__provider).toContain("can-decommission");
  });

  it("reports errors to the platform's Sentry project, the DSN kept secret, with the Flask image tag as release", async () => {
    platformExports(MANAGED_FLASK, { sentryDsn: SENTRY_DSN, environment: "dev" });
    await run();
    expect(secretValue<string[]>(mocks.named(CONTAINER, "flask-0").inputs.envs)).toEqual([
      `DATABASE_URL=${DATABASE_URL}`,
      "BACKEND_NAME=flask",
      `SENTRY_DSN=${SENTRY_DSN}`,
      "SENTRY_ENVIRONMENT=dev",
      "SENTRY_RELEASE=flask@0.1.0",
      "PORT=5000",
    ]);
    expect(plainInputs(mocks.resources)).not.toContain(SENTRY_KEY);
  });

  it("gives Flask no SENTRY_* variable while the platform exports no error tracking", async () => {
    platformExports(MANAGED_FLASK);
    await run();
    expect(JSON.stringify(mocks.named(CONTAINER, "flask-0").inputs)).not.toContain("SENTRY_");
  });

  it("refuses an error tracking output it cannot read, without showing it", async () => {
    platformExports(MANAGED_FLASK, { dsn: SENTRY_DSN });
    const refusal = run();
    await expect(refusal).rejects.toThrow(
      'platform stack organization/migration/dev exports an unreadable "errorTracking" output; expected { sentryDsn, environment }',
    );
    await expect(refusal).rejects.not.toThrow(SENTRY_KEY);
  });

  it("refuses to manage a Flask the platform reaches as an external URL", async () => {
    platformExports({ mode: "external", url: "http://10.0.0.5:5000" });
    await expect(run()).rejects.toThrow(
      /routes to an external Flask at http:\/\/10.0.0.5:5000; this stack manages only a Flask it runs itself/,
    );
    expect(mocks.resources.map((resource) => resource.type)).toEqual(["pulumi:pulumi:StackReference"]);
  });

  it("explains what to do when the platform stack has not been deployed", async () => {
    mocks.setStackOutputs(PLATFORM, {});
    await expect(run()).rejects.toThrow(
      /legacy-flask:platformStack: platform stack organization\/migration\/dev has no usable "flask" output; deploy the platform first/,
    );
  });
});

describe("the legacy Flask stack on a platform on Kubernetes", () => {
  const placement = {
    namespace: "migration-prod",
    kubeconfig: undefined,
    imageRegistry: "registry.example.com/team",
    imagePullSecret: "image-pull-secret-0a1b2c3",
  };

  function kubernetesPlatformExports(cluster: unknown) {
    mocks.setStackOutputs(
      PLATFORM,
      {
        target: "kubernetes",
        kubernetesCluster: cluster,
        databaseUrl: DATABASE_URL,
        flask: { mode: "managed", image: "migration/legacy-flask:0.2.0", port: 5000, replicas: 2 },
        flaskTraffic: ["every other path (defaultWeight): 90%"],
      },
      ["databaseUrl"],
    );
  }

  it("runs Flask as a Deployment in the platform's namespace, pulled from its registry, the guard after it", async () => {
    kubernetesPlatformExports(placement);
    const { outputs } = await run();
    const flask = mocks.named("kubernetes:apps/v1:Deployment", "flask").inputs;
    expect(flask.metadata).toEqual({ namespace: "migration-prod", name: "flask" });
    expect(flask.spec.replicas).toBe(2);
    const pod = flask.spec.template.spec;
    expect(pod.containers[0].image).toBe("registry.example.com/team/migration/legacy-flask:0.2.0");
    expect(pod.imagePullSecrets).toEqual([{ name: "image-pull-secret-0a1b2c3" }]);
    expect(pod.containers[0].readinessProbe.httpGet).toEqual({ path: "/healthz", port: 5000 });
    expect(secretValue(mocks.named("kubernetes:core/v1:Secret", "flask-env").inputs.stringData)).toEqual({
      DATABASE_URL,
    });
    expect(plainInputs(mocks.resources)).not.toContain("secret-pw");
    // The platform owns Flask's Service: this stack never creates one.
    expect(mocks.ofType("kubernetes:core/v1:Service")).toEqual([]);
    expect(mocks.resources.some((resource) => resource.type.startsWith("docker:"))).toBe(false);
    // Its destroy runs first, and refuses before Flask's Deployment goes.
    expect(mocks.optionsOf("pulumi-nodejs:dynamic:Resource", "decommission-guard").dependencies).toContainEqual(
      expect.stringContaining("kubernetes:apps/v1:Deployment::flask"),
    );
    expect(outputs).toMatchObject({ namespace: "migration-prod", replicas: 2 });
  });

  it("says plainly when the platform exports no usable placement", async () => {
    kubernetesPlatformExports(undefined);
    await expect(run()).rejects.toThrow(
      /platform stack organization\/migration\/dev runs on Kubernetes but exports no usable "kubernetesCluster" output/,
    );
  });
});
