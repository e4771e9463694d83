import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statfsSync } from "node:fs";

/** How this machine's Docker lays out its containers' cgroups (`docker info`), which decides where CPU time is kept. */
export interface CgroupLayout {
  readonly version: "1" | "2";
  readonly driver: "cgroupfs" | "systemd";
}

export function dockerCgroupLayout(): CgroupLayout {
  const [version, driver] = execFileSync("docker", ["info", "--format", "{{.CgroupVersion}} {{.CgroupDriver}}"], {
    encoding: "utf8",
  })
    .trim()
    .split(" ");
  if ((version !== "1" && version !== "2") || (driver !== "cgroupfs" && driver !== "systemd"))
    throw new Error(
      `docker info reports cgroup version "${version}" and driver "${driver}": expected 1 or 2, cgroupfs or systemd`,
    );
  return { version, driver };
}

/** A Docker container's cgroup, relative to a controller's root, for Docker's default cgroup parent. */
export function dockerCgroup({ driver }: CgroupLayout, containerId: string): string {
  return driver === "systemd" ? `system.slice/docker-${containerId}.scope` : `docker/${containerId}`;
}

/**
 * The file with a cgroup's cumulative CPU time (user + system, every process in it): v2 keeps `usage_usec` in
 * `cpu.stat`, v1 keeps nanoseconds in the cpuacct controller's `cpuacct.usage`.
 */
export function cgroupCpuFile(version: CgroupLayout["version"], group: string): string {
  return version === "2" ? `/sys/fs/cgroup/${group}/cpu.stat` : `/sys/fs/cgroup/cpuacct/${group}/cpuacct.usage`;
}

/** The CPU time in that file, in microseconds. */
export function cpuUsecIn(version: CgroupLayout["version"], text: string): number {
  if (version === "1") {
    if (!/^\d+$/.test(text.trim())) throw new Error(`cpuacct.usage holds "${text.trim()}", not a count of nanoseconds`);
    return Number(text.trim()) / 1000;
  }
  const usage = /^usage_usec (\d+)$/m.exec(text);
  if (!usage) throw new Error(`cpu.stat has no usage_usec line:\n${text}`);
  return Number(usage[1]);
}

/** A clock of the CPU microseconds a running container has used so far; read it before and after a run. */
export function containerCpuClock(containerName: string, layout: CgroupLayout): () => number {
  // The full id, because the cgroup is named after it, not after the short id or the name.
  const id = execFileSync("docker", ["inspect", "-f", "{{.Id}}", containerName], { encoding: "utf8" }).trim();
  return cgroupCpuClock(
    layout.version,
    dockerCgroup(layout, id),
    `container ${containerName}`,
    `Docker reports cgroup v${layout.version}, driver ${layout.driver}; a non-default cgroup parent or a remote Docker engine puts it elsewhere`,
  );
}

/**
 * A clock of the CPU microseconds a cgroup's processes (`whose`, in an error) have used so far; read it before and
 * after a run. `hint` says, when the group has no accounting, where it was expected from.
 */
export function cgroupCpuClock(
  version: CgroupLayout["version"],
  group: string,
  whose: string,
  hint: string,
): () => number {
  const file = cgroupCpuFile(version, group);
  if (!existsSync(file)) throw new Error(`no CPU accounting for ${whose} at ${file} (${hint})`);
  return () => cpuUsecIn(version, readFileSync(file, "utf8"));
}

/** The host's cgroup version: v2 mounts one hierarchy (cgroup2fs, magic 0x63677270) at /sys/fs/cgroup. */
export function hostCgroupVersion(): CgroupLayout["version"] {
  return statfsSync("/sys/fs/cgroup").type === 0x63677270 ? "2" : "1";
}
