import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
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
 * A stand-in `docker` first on PATH: it logs each call (arguments, then stdin for `run` and `exec -i`), lists $READERS
 * as the running containers that mount a volume, and, when $STOPPED is set, fails `exec` like the Docker CLI does for a
 * container that stopped after it was listed. $READ_ONLY fails the write inside a running reader (`exec -i`), as a
 * read-only mount does, but not the signal sent to it.
 */
describe("writing and reloading, against a stand-in Docker CLI", () => {
  const directory = mkdtempSync(join(tmpdir(), "volume-file-"));
  const log = join(directory, "calls.log");
  const originalPath = process.env.PATH;
  const calls = () => readFileSync(log, "utf8").split("\n").slice(0, -1);

  beforeAll(() => {
    writeFileSync(
      join(directory, "docker"),
      [
        "#!/bin/sh",
        `echo "$*" >> "${log}"`,
        'if [ "$1" = exec ] && [ -n "$STOPPED" ]; then echo "Error response from daemon: container $READERS is not running" >&2; exit 1; fi',
        'if [ "$1" = exec ] && [ "$2" = -i ] && [ -n "$READ_ONLY" ]; then echo "publish: 1: cannot create file: Read-only file system" >&2; exit 2; fi',
        `if [ "$1" = run ] || [ "$2" = -i ]; then cat >> "${log}"; fi`,
        'if [ "$1" = ps ]; then for id in $READERS; do echo "$id"; done; fi',
      ].join("\n"),
    );
    chmodSync(join(directory, "docker"), 0o755);
    process.env.PATH = `${directory}:${originalPath}`;
  });

  beforeEach(() => rmSync(log, { force: true }));

  afterAll(() => {
    process.env.PATH = originalPath;
    delete process.env.STOPPED;
    delete process.env.READ_ONLY;
    delete process.env.READERS;
    rmSync(directory, { recursive: true, force: true });
  });

  it("writes the file as root from inside the first running reader and signals its main process there, then the other readers' from inside them", async () => {
    process.env.READERS = "1a2b3c 4d5e6f";
    await volumeFileProvider.update!("weights/weights.rules.yml", written, written);
    expect(calls()).toEqual([
      "ps --quiet --filter volume=weights",
      expect.stringMatching(
        /^exec -i --user 0 1a2b3c sh -c set -eu; cat > .*; mv -f .*; kill -s HUP 1 publish \/etc\/prometheus\/weights weights.rules.yml$/,
      ),
      "groups: []",
      // Not `docker kill --signal`: that marks a container manually stopped, and its restart policy then gives up on it.
      "exec 4d5e6f sh -c kill -s HUP 1",
    ]);
  });

  it("writes from a throwaway container of the reader's image as root when no reader runs yet, and signals nobody (the reader reads the file when it starts)", async () => {
    process.env.READERS = "";
    await volumeFileProvider.create!(written);
    expect(calls()).toEqual([
      "ps --quiet --filter volume=weights",
      expect.stringMatching(
        /^run --rm -i --network none --user 0 --volume weights:\/etc\/prometheus\/weights --entrypoint sh migration\/prometheus:2.42-bookworm -c .*mv -f [^;]*" publish \/etc\/prometheus\/weights weights.rules.yml$/,
      ),
      "groups: []",
    ]);
  });

  it("only writes, inside the running reader, when no reload is asked for", async () => {
    process.env.READERS = "1a2b3c";
    await volumeFileProvider.create!({ ...written, reload: undefined });
    expect(calls()).toEqual([
      "ps --quiet --filter volume=weights",
      expect.stringMatching(/^exec -i --user 0 1a2b3c sh -c .*mv -f [^;]*" publish /),
      "groups: []",
    ]);
  });

  it("still writes the file when the reader stopped after the lookup, then fails, naming the volume and the Docker error", async () => {
    process.env.STOPPED = "1";
    process.env.READERS = "1a2b3c";
    await expect(volumeFileProvider.update!("weights/weights.rules.yml", written, written)).rejects.toThrow(
      "wrote weights.rules.yml, but could not send HUP to the containers that mount volume weights to reload it: Error response from daemon: container 1a2b3c is not running",
    );
    expect(calls().filter((call) => call.startsWith("run ") || call === "groups: []")).toHaveLength(2);
    delete process.env.STOPPED;
  });

  it("writes through a throwaway container when a running reader cannot write (a stack deployed before its mounts were writable), then signals it", async () => {
    process.env.READ_ONLY = "1";
    process.env.READERS = "1a2b3c";
    await volumeFileProvider.update!("weights/weights.rules.yml", written, written);
    expect(calls().filter((call) => !call.startsWith("groups"))).toEqual([
      "ps --quiet --filter volume=weights",
      expect.stringMatching(/^exec -i --user 0 1a2b3c sh -c /),
      expect.stringMatching(/^run --rm -i --network none --user 0 --volume weights:\/etc\/prometheus\/weights /),
      "exec 1a2b3c sh -c kill -s HUP 1",
    ]);
    delete process.env.READ_ONLY;
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
