import { existsSync, readFileSync } from "node:fs";
import { cgroupCpuFile, cpuUsecIn, hostCgroupVersion } from "../bench/cgroupCpu";

/** What a journey's workloads (its containers or pods) used, read from their cgroups. */
export interface WorkloadUse {
  readonly workloads: number;
  /** CPU time since each workload started (user + system, every process in it). */
  readonly cpuSeconds: number;
  /** Resident memory now: anonymous memory, the page cache left out. */
  readonly residentMiB: number;
}

/**
 * Each cgroup's CPU time and resident memory, summed. Groups are relative to a controller's root (`docker/<id>`,
 * `kubepods/burstable/pod<uid>`). v1 keeps resident memory as `total_rss` in the memory controller's `memory.stat`, v2
 * as `anon` in the group's own.
 */
export function workloadUse(groups: readonly string[]): WorkloadUse {
  const version = hostCgroupVersion();
  let cpuUsec = 0;
  let residentBytes = 0;
  for (const group of groups) {
    const cpuFile = cgroupCpuFile(version, group);
    const memoryFile =
      version === "2" ? `/sys/fs/cgroup/${group}/memory.stat` : `/sys/fs/cgroup/memory/${group}/memory.stat`;
    if (!existsSync(cpuFile) || !existsSync(memoryFile))
      throw new Error(`no cgroup accounting for ${group} at ${cpuFile} and ${memoryFile} (cgroup v${version})`);
    cpuUsec += cpuUsecIn(version, readFileSync(cpuFile, "utf8"));
    const field = version === "2" ? "anon" : "total_rss";
    const resident = new RegExp(`^${field} (\\d+)$`, "m").exec(readFileSync(memoryFile, "utf8"));
    if (!resident) throw new Error(`${memoryFile} has no ${field} line`);
    residentBytes += Number(resident[1]);
  }
  return { workloads: groups.length, cpuSeconds: cpuUsec / 1e6, residentMiB: residentBytes / 2 ** 20 };
}
