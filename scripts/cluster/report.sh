# shellcheck shell=bash
# `cluster.sh report`: the cluster's costs, measured here, into reports/cluster.json (linked from the docs and the CI
# budget) and printed: each cold build's seconds and each kind of start's (as they happened; build.sh and `up` record
# them), a warm build check timed now, the disk it takes, and the resident memory of the running cluster. Source it.

# rss_kib PID...: the summed resident memory of PIDs, in KiB (a process that ended meanwhile counts nothing).
rss_kib() {
  local pid total=0 kib
  for pid in "$@"; do
    kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/${pid}/status" 2>/dev/null || true)
    total=$((total + ${kib:-0}))
  done
  echo "${total}"
}

# pod_pids: the processes of the pods' containers (their cgroups are under the kubelet's kubepods).
pod_pids() {
  grep -l kubepods /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3 || true
}

# du_bytes PATH: bytes PATH takes on disk, 0 when it does not exist.
du_bytes() {
  if [[ -e $1 ]]; then du -sb "$1" | cut -f1; else echo 0; fi
}

# latest_rows FILE: the newest row for each key (2nd column) of a "time key seconds" file, as JSON objects.
latest_rows() {
  [[ -f $1 ]] || { echo '[]' && return 0; }
  jq -R -s 'split("\n") | map(select(length > 0) | split("\t") | {at: .[0], key: .[1], seconds: (.[2] | tonumber)})
    | group_by(.key) | map(max_by(.at))' "$1"
}

command_report() {
  local out="${MIGRATION_REPO_ROOT}/reports/cluster.json" started=${SECONDS} warm_check component_pids=() name pid
  "${CLUSTER_SCRIPT_DIR}/build.sh" >/dev/null 2>&1
  warm_check=$((SECONDS - started))
  for name in "${CLUSTER_COMPONENTS[@]}"; do
    pid=$(component_pid "${name}") && component_pids+=("${pid}")
  done
  local shims=()
  mapfile -t shims < <(shim_pids)
  local pods=()
  mapfile -t pods < <(pod_pids)
  mkdir -p "$(dirname "${out}")"
  jq -n \
    --arg kubernetes "${KUBERNETES_VERSION}" --arg etcd "${ETCD_VERSION}" --arg containerd "${CONTAINERD_VERSION}" \
    --arg coredns "${COREDNS_VERSION}" --arg measured "$(date -u +%FT%TZ)" \
    --argjson builds "$(latest_rows "${BUILD_TIMES}")" --argjson starts "$(latest_rows "${START_TIMES}")" \
    --argjson warmBuildCheck "${warm_check}" \
    --argjson running "$(all_components_running && echo true || echo false)" \
    --argjson components "$(rss_kib "${component_pids[@]}")" --argjson shims "$(rss_kib "${shims[@]}")" \
    --argjson pods "$(rss_kib "${pods[@]}")" --argjson podProcesses "${#pods[@]}" \
    --argjson binaries "$(du_bytes "${MIGRATION_CLUSTER_CACHE}")" \
    --argjson goModules "$(du_bytes "$("${GO_BIN}" env GOMODCACHE)")" \
    --argjson goBuild "$(du_bytes "$("${GO_BIN}" env GOCACHE)")" \
    --argjson registry "$(du_bytes "${MIGRATION_CLUSTER_STATE}/registry")" \
    --argjson containerdDisk "$(du_bytes "${MIGRATION_CLUSTER_STATE}/containerd")" \
    --argjson etcdData "$(du_bytes "${MIGRATION_CLUSTER_STATE}/etcd")" \
    '{
      measured: $measured,
      versions: { kubernetes: $kubernetes, etcd: $etcd, containerd: $containerd, coredns: $coredns },
      coldBuildSeconds: ($builds | map({ (.key): .seconds }) | add // {}),
      warmBuildCheckSeconds: $warmBuildCheck,
      startSeconds: ($starts | map({ (.key): .seconds }) | add // {}),
      diskMiB: ({ binaries: $binaries, goModuleCache: $goModules, goBuildCache: $goBuild, registry: $registry,
        containerdImagesAndSnapshots: $containerdDisk, etcd: $etcdData } | map_values(. / 1048576 | floor)),
      residentMemoryMiB: (if $running then
        { componentsAndRegistry: $components, containerdShims: $shims, pods: $pods }
        | map_values(. / 1024 | floor) | . + { total: ([.[]] | add), podProcesses: $podProcesses }
        else null end)
    }' >"${out}"
  log_step "report written to ${out}:"
  cat "${out}"
}
