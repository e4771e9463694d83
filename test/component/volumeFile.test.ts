import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { publishIntoVolume } from "../../components/docker/volumePublisher";
import { changedKeys } from "../../components/docker/volumeFilePlugin/volumeFileState";
import { RecordingMocks, settle } from "../support/recordingMocks";
import { startVolumeFilePlugin, type VolumeFilePlugin } from "../support/volumeFilePlugin";

const mocks = new RecordingMocks();

const written = {
  volumeName: "weights",
  directory: "/etc/prometheus/weights",
  fileName: "weights.rules.yml",
  content: "groups: []\n",
  image: "migration/prometheus:2.42-bookworm",
  reload: { signal: "HUP" },
};

const changed = (news: Record<string, unknown>) => changedKeys(written, { ...written, ...news });

describe("VolumeFile's diff", () => {
  it("sees no change when nothing changed, reload included", () => {
    expect(changed({ reload: { ...written.reload } })).toEqual([]);
  });

  it.each([
    ["the content", { content: "groups: [{ name: x, rules: [] }]\n" }, ["content"]],
    ["the signal", { reload: { signal: "USR1" } }, ["reload"]],
    ["whether to reload at all", { reload: undefined }, ["reload"]],
    ["a value the preview does not know yet", { volumeName: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, ["volumeName"]],
  ])("names what changed when %s changes", (_what, news, keys) => {
    expect(changed(news)).toEqual(keys);
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
  const publish = (inputs: typeof written | Omit<typeof written, "reload">) =>
    publishIntoVolume(
      { volumeName: inputs.volumeName, image: inputs.image, reload: "reload" in inputs ? inputs.reload : undefined },
      { directory: inputs.directory, fileName: inputs.fileName, content: inputs.content },
    );

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
    await publish(written);
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
    await publish(written);
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
    const { reload: _none, ...withoutReload } = written;
    await publish(withoutReload);
    expect(calls()).toEqual([
      "ps --quiet --filter volume=weights",
      expect.stringMatching(/^exec -i --user 0 1a2b3c sh -c .*mv -f [^;]*" publish /),
      "groups: []",
    ]);
  });

  it("still writes the file when the reader stopped after the lookup, then fails, naming the volume and the Docker error", async () => {
    process.env.STOPPED = "1";
    process.env.READERS = "1a2b3c";
    await expect(publish(written)).rejects.toThrow(
      "wrote weights.rules.yml, but could not send HUP to the containers that mount volume weights to reload it: Error response from daemon: container 1a2b3c is not running",
    );
    expect(calls().filter((call) => call.startsWith("run ") || call === "groups: []")).toHaveLength(2);
    delete process.env.STOPPED;
  });

  it("writes through a throwaway container when a running reader cannot write (a stack deployed before its mounts were writable), then signals it", async () => {
    process.env.READ_ONLY = "1";
    process.env.READERS = "1a2b3c";
    await publish(written);
    expect(calls().filter((call) => !call.startsWith("groups"))).toEqual([
      "ps --quiet --filter volume=weights",
      expect.stringMatching(/^exec -i --user 0 1a2b3c sh -c /),
      expect.stringMatching(/^run --rm -i --network none --user 0 --volume weights:\/etc\/prometheus\/weights /),
      "exec 1a2b3c sh -c kill -s HUP 1",
    ]);
    delete process.env.READ_ONLY;
  });

  describe("through the volumefile plugin, started as the engine starts it", () => {
    let plugin: VolumeFilePlugin;
    beforeAll(async () => {
      plugin = await startVolumeFilePlugin({ ...process.env, READERS: "1a2b3c" });
    });
    afterAll(() => plugin.stop());

    it("answers the engine's handshake calls: a version, plain values wanted, no preview of a write", async () => {
      expect(await plugin.version()).toMatch(/^\d+\.\d+\.\d+$/);
      expect(await plugin.configure()).toEqual({ acceptSecrets: false, supportsPreview: false });
      expect(await plugin.check(written)).toEqual(written);
    });

    it("names what changed in its diff and never asks for a replacement", async () => {
      expect(await plugin.diff(written, { ...written })).toEqual({ changed: [], replaces: [] });
      expect(await plugin.diff(written, { ...written, content: "groups: [{ name: x, rules: [] }]\n" })).toEqual({
        changed: ["content"],
        replaces: [],
      });
    });

    it("publishes on create and on update, keeps the state on read, and leaves the file on delete", async () => {
      const created = await plugin.create(written);
      expect(created).toEqual({ id: "weights/weights.rules.yml", properties: written });
      const changed = { ...written, content: "groups: [{ name: y, rules: [] }]\n" };
      expect(await plugin.update(written, changed)).toEqual(changed);
      expect(calls().filter((call) => call.startsWith("groups"))).toEqual([
        "groups: []",
        "groups: [{ name: y, rules: [] }]",
      ]);
      expect(await plugin.read(created.id, changed)).toEqual({ id: created.id, properties: changed });
      rmSync(log, { force: true });
      await plugin.delete(created.id, changed);
      expect(() => calls()).toThrow(/ENOENT/);
    });

    it("fails the operation with the publisher's own words when Docker refuses", async () => {
      const stopped = await startVolumeFilePlugin({ ...process.env, READERS: "1a2b3c", STOPPED: "1" });
      try {
        await expect(stopped.update(written, written)).rejects.toThrow(
          "could not send HUP to the containers that mount volume weights",
        );
      } finally {
        await stopped.stop();
      }
    });
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
    expect(mocks.named("volumefile:index:VolumeFile", "weights-file").inputs).toEqual(written);
  });
});
