import { describe, expect, it } from "vitest";
import { cgroupCpuFile, cpuUsecIn, dockerCgroup, type CgroupLayout } from "../bench/cgroupCpu";
import { podCgroup } from "../support/localCluster";

const ID = "bef4ce6e4ca7dad516004984a1387ac6fe5648d21f509d367b6e40fb85c89d99";
const UID = "0f3c2a8e-5b1d-4c7e-9a6f-2d8b4e1c7a90";

const cpuUsageFile = (layout: CgroupLayout, containerId: string) =>
  cgroupCpuFile(layout.version, dockerCgroup(layout, containerId));

describe("a container's or a pod's CPU time from its cgroup", () => {
  it("is in the file Docker's cgroup version and driver put it in", () => {
    expect(cpuUsageFile({ version: "1", driver: "cgroupfs" }, ID)).toBe(
      `/sys/fs/cgroup/cpuacct/docker/${ID}/cpuacct.usage`,
    );
    expect(cpuUsageFile({ version: "1", driver: "systemd" }, ID)).toBe(
      `/sys/fs/cgroup/cpuacct/system.slice/docker-${ID}.scope/cpuacct.usage`,
    );
    expect(cpuUsageFile({ version: "2", driver: "cgroupfs" }, ID)).toBe(`/sys/fs/cgroup/docker/${ID}/cpu.stat`);
    expect(cpuUsageFile({ version: "2", driver: "systemd" }, ID)).toBe(
      `/sys/fs/cgroup/system.slice/docker-${ID}.scope/cpu.stat`,
    );
  });

  it("is in the pod's group on the local cluster, under its QoS class's unless Guaranteed", () => {
    expect(cgroupCpuFile("1", podCgroup(UID, "Burstable"))).toBe(
      `/sys/fs/cgroup/cpuacct/kubepods/burstable/pod${UID}/cpuacct.usage`,
    );
    expect(cgroupCpuFile("1", podCgroup(UID, "BestEffort"))).toBe(
      `/sys/fs/cgroup/cpuacct/kubepods/besteffort/pod${UID}/cpuacct.usage`,
    );
    expect(cgroupCpuFile("2", podCgroup(UID, "Guaranteed"))).toBe(`/sys/fs/cgroup/kubepods/pod${UID}/cpu.stat`);
  });

  it("reads microseconds from v1's nanoseconds and from v2's usage_usec", () => {
    expect(cpuUsecIn("1", "29454657907\n")).toBe(29_454_657.907);
    expect(cpuUsecIn("2", "usage_usec 8123456\nuser_usec 6000000\nsystem_usec 2123456\nnr_periods 0\n")).toBe(
      8_123_456,
    );
  });

  it("refuses a file it does not recognise rather than read it as 0", () => {
    expect(() => cpuUsecIn("1", "\n")).toThrow('cpuacct.usage holds "", not a count of nanoseconds');
    expect(() => cpuUsecIn("2", "user_usec 6000000\n")).toThrow(
      "cpu.stat has no usage_usec line:\nuser_usec 6000000\n",
    );
  });
});
