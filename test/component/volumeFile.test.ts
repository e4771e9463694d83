import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { volumeFileProvider } from "../../components/docker/volumeFile";
import { RecordingMocks, settle } from "../support/recordingMocks";

const mocks = new RecordingMocks();

const written = {
  volumeName: "weights",
  directory: "/etc/prometheus/weights",
  fileName: "weights.rules.yml",
  content: "groups: []\n",
  image: "migration/prometheus:2.42-bookworm",
  reload: { signal: "HUP" },
};

const diff = (news: Record<string, unknown>) =>
  volumeFileProvider.diff!("weights/weights.rules.yml", written, { ...written, ...news });

describe("VolumeFile's diff", () => {
  it("sees no change when nothing changed, reload included", async () => {
    expect(await diff({ reload: { ...written.reload } })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it.each([
    ["the content", { content: "groups: [{ name: x, rules: [] }]\n" }],
    ["the signal", { reload: { signal: "USR1" } }],
    ["whether to reload at all", { reload: undefined }],
  ])("updates in place, never replaces, when %s changes", async (_what, news) => {
    expect(await diff(news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

/**
 * A stand-in `docker` first on PATH: it logs each call (arguments, then stdin for `run`), lists $READERS as the
 * containers that mount a volume, and fails `exec` like the Docker CLI does for a container that is not running, when
 * asked to.
 */
describe("writing and reloading, against a stand-in Docker CLI", () => {
  const directory = mkdtempSync(join(tmpdir(), "volume-file-"));
  const log = join(directory, "calls.log");
  const originalPath = process.env.PATH;

  beforeAll(() => {
    writeFileSync(
      join(directory, "docker"),
      [
        "#!/bin/sh",
        `echo "$*" >> "${log}"`,
        `if [ "$1" = run ]; then cat >> "${log}"; fi`,
        'if [ "$1" = ps ]; then for id in $READERS; do echo "$id"; done; fi',
        'if [ "$1" = exec ] && [ -n "$FAIL_EXEC" ]; then echo "Error response from daemon: container $2 is not running" >&2; exit 1; fi',
      ].join("\n"),
    );
    chmodSync(join(directory, "docker"), 0o755);
    process.env.PATH = `${directory}:${originalPath}`;
  });

  afterAll(() => {
    process.env.PATH = originalPath;
    delete process.env.FAIL_EXEC;
    delete process.env.READERS;
    rmSync(directory, { recursive: true, force: true });
  });

  it("writes the file as root, then signals the main process of every running container that mounts the volume, from inside it", async () => {
    rmSync(log, { force: true });
    process.env.READERS = "1a2b3c 4d5e6f";
    await volumeFileProvider.update!("weights/weights.rules.yml", written, written);
    const calls = readFileSync(log, "utf8").split("\n");
    expect(calls.slice(0, 3)).toEqual([
      expect.stringMatching(
        /^run --rm -i --network none --user 0 --volume weights:\/etc\/prometheus\/weights --entrypoint sh migration\/prometheus:2.42-bookworm -c .* publish \/etc\/prometheus\/weights weights.rules.yml$/,
      ),
      "groups: []",
      "ps --quiet --filter volume=weights",
    ]);
    // Not `docker kill --signal`: that marks a container manually stopped, and its restart policy then gives up on it.
    expect(calls.slice(3).sort()).toEqual(["", "exec 1a2b3c sh -c kill -s HUP 1", "exec 4d5e6f sh -c kill -s HUP 1"]);
  });

  it("signals nobody when no container mounts the volume yet (the reader reads the file when it starts)", async () => {
    rmSync(log, { force: true });
    process.env.READERS = "";
    await volumeFileProvider.create!(written);
    expect(readFileSync(log, "utf8")).toContain("ps --quiet --filter volume=weights");
    expect(readFileSync(log, "utf8")).not.toContain("exec");
  });

  it("only writes when no reload is asked for", async () => {
    rmSync(log, { force: true });
    process.env.READERS = "1a2b3c";
    await volumeFileProvider.create!({ ...written, reload: undefined });
    expect(readFileSync(log, "utf8")).not.toMatch(/^(ps|exec) /m);
  });

  it("fails, naming the volume and the Docker error, when a reader cannot be signalled", async () => {
    process.env.FAIL_EXEC = "1";
    process.env.READERS = "1a2b3c";
    await expect(volumeFileProvider.update!("weights/weights.rules.yml", written, written)).rejects.toThrow(
      "wrote weights.rules.yml, but could not send HUP to the containers that mount volume weights to reload it: Error response from daemon: container 1a2b3c is not running",
    );
    delete process.env.FAIL_EXEC;
  });
});

describe("a VolumeFile with a reload signal", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(mocks, "migration", "dev", false, "organization");
  });

  it("hands the signal to its provider", async () => {
    const { VolumeFile } = await import("../../components/docker/volumeFile");
    new VolumeFile("weights-file", { ...written, reload: { signal: pulumi.output("HUP") } });
    await settle();
    const inputs = mocks.named("pulumi-nodejs:dynamic:Resource", "weights-file").inputs;
    expect(inputs).toMatchObject(written);
    // The provider travels with the resource; the reload is part of it.
    expect(inputs.__provider).toMatch(/kill -s \$\{reload\.signal\} 1/);
  });
});
