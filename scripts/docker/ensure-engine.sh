#!/usr/bin/env bash
# Makes sure a local Docker engine answers on /var/run/docker.sock. Safe to call any number of times, also
# concurrently: it installs Debian's docker.io only when dockerd is missing, starts dockerd only when none runs,
# and never starts a second daemon.
#
# These machines have no systemd, so dockerd is started detached (setsid) and logs to $MIGRATION_LOG_DIR/dockerd.log.
#
# Environment:
#   MIGRATION_DOCKER_STORAGE_DRIVER  force a storage driver (overlay2 | vfs); default: see choose_storage_driver
#   ENGINE_START_TIMEOUT             seconds to wait for `docker info` to answer (default 60)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/cluster/addresses.sh
source "${MIGRATION_REPO_ROOT}/scripts/cluster/addresses.sh"

: "${ENGINE_START_TIMEOUT:=60}"
: "${DOCKER_DATA_ROOT:=/var/lib/docker}"
readonly DOCKERD_LOG="${MIGRATION_LOG_DIR}/dockerd.log"
readonly DOCKERD_PIDFILE=/var/run/docker.pid
# Serialises concurrent callers (e.g. two scripts started in parallel): without it both could see "no daemon"
# and start one each.
readonly ENGINE_LOCK=/var/lock/migration-ensure-engine.lock

engine_answers() {
  # Bounded: a wedged daemon must not hang the caller forever.
  timeout 10 docker info >/dev/null 2>&1
}

# PID of a running dockerd, or nothing. Reads /proc instead of pgrep: procps is not in every minimal image.
running_dockerd_pid() {
  local pid comm
  if [[ -s ${DOCKERD_PIDFILE} ]]; then
    pid=$(<"${DOCKERD_PIDFILE}")
    if [[ -r /proc/${pid}/comm && $(<"/proc/${pid}/comm") == dockerd ]]; then
      echo "${pid}"
      return 0
    fi
  fi
  for comm in /proc/[0-9]*/comm; do
    if [[ $(<"${comm}") == dockerd ]] 2>/dev/null; then
      pid=${comm#/proc/}
      echo "${pid%/comm}"
      return 0
    fi
  done 2>/dev/null
  return 0
}

install_engine_if_missing() {
  if command -v dockerd >/dev/null && command -v docker >/dev/null; then
    return 0
  fi
  # docker.io pulls in containerd, runc and iptables; dockerd starts its own containerd when none runs.
  apt_install docker.io
  command -v dockerd >/dev/null || die "docker.io installed but dockerd is not on PATH"
}

# Images and layers are stored per driver: starting with another driver than last time would make every image
# "disappear" and force full rebuilds. So an existing data root keeps its driver.
driver_already_in_use() {
  local dir
  for dir in "${DOCKER_DATA_ROOT}"/image/*/; do
    [[ -d ${dir}imagedb ]] || continue
    basename "${dir}"
    return 0
  done 2>/dev/null
  return 0
}

# overlay2 shares image layers between containers; vfs copies the full layer stack for every container and every
# build step (measured here: see scripts/docker/README.md). The probe does a real overlay mount on the filesystem
# that will hold the data root, because support depends on the backing filesystem (overlay on overlay fails, as in
# nested containers), not only on the kernel module.
overlay_mount_works() {
  local probe rc=1
  mkdir -p "${DOCKER_DATA_ROOT}"
  probe=$(mktemp -d "${DOCKER_DATA_ROOT}/.overlay-probe.XXXXXX")
  mkdir -p "${probe}"/{lower,upper,work,merged}
  echo probe >"${probe}/lower/file"
  if mount -t overlay overlay -o "lowerdir=${probe}/lower,upperdir=${probe}/upper,workdir=${probe}/work" \
    "${probe}/merged" 2>/dev/null; then
    # Writing through the mount exercises copy-up, which is what fails on unsupported upper filesystems.
    if echo changed >"${probe}/merged/file" 2>/dev/null && [[ $(<"${probe}/upper/file") == changed ]]; then
      rc=0
    fi
    umount "${probe}/merged" || true
  fi
  rm -rf "${probe}"
  return "${rc}"
}

choose_storage_driver() {
  local in_use
  if [[ -n ${MIGRATION_DOCKER_STORAGE_DRIVER:-} ]]; then
    echo "${MIGRATION_DOCKER_STORAGE_DRIVER}"
    return 0
  fi
  in_use=$(driver_already_in_use)
  if [[ -n ${in_use} ]]; then
    echo "${in_use}"
    return 0
  fi
  if overlay_mount_works; then echo overlay2; else echo vfs; fi
}

log_tail() {
  echo "---- last 30 lines of ${DOCKERD_LOG} ----" >&2
  tail -n 30 "${DOCKERD_LOG}" >&2 || true
  echo "----" >&2
}

# Starts dockerd detached from this shell (setsid + nohup) so it outlives the script and the CI step.
start_dockerd() {
  local driver=$1
  mkdir -p "${MIGRATION_LOG_DIR}"
  printf '\n==== %s: starting dockerd --storage-driver=%s ====\n' "$(date -Is)" "${driver}" >>"${DOCKERD_LOG}"
  # The local cluster's registry (scripts/cluster) speaks plain HTTP on the host side of the cluster's veth; Docker
  # pushes over HTTP only to loopback or to a registry it is told to trust.
  setsid nohup dockerd --storage-driver="${driver}" --data-root="${DOCKER_DATA_ROOT}" \
    --insecure-registry="${REGISTRY_HOST}" >>"${DOCKERD_LOG}" 2>&1 </dev/null &
  echo $!
}

# Waits until `docker info` answers. Returns 1 early when the daemon process has exited (no point waiting).
wait_for_engine() {
  local pid=$1 deadline
  deadline=$(($(date +%s) + ENGINE_START_TIMEOUT))
  while (($(date +%s) < deadline)); do
    engine_answers && return 0
    # setsid may fork, so $! is not always dockerd itself: look for any dockerd before declaring it dead.
    if ! kill -0 "${pid}" 2>/dev/null && [[ -z $(running_dockerd_pid) ]]; then
      return 1
    fi
    sleep 0.5
  done
  return 2
}

main() {
  local pid driver started rc
  require_root
  if engine_answers; then
    log_step "docker engine already answers ($(docker info --format '{{.Driver}}' 2>/dev/null) storage driver)"
    return 0
  fi
  install_engine_if_missing

  mkdir -p "$(dirname "${ENGINE_LOCK}")"
  exec 9>"${ENGINE_LOCK}"
  flock -w "$((ENGINE_START_TIMEOUT + 30))" 9 || die "timed out waiting for ${ENGINE_LOCK} (another ensure-engine run is stuck?)"

  # Re-check under the lock: a concurrent caller may have started the daemon meanwhile.
  engine_answers && return 0
  started=$(date +%s)
  pid=$(running_dockerd_pid)
  if [[ -n ${pid} ]]; then
    log_step "dockerd (pid ${pid}) is running but not answering yet; waiting up to ${ENGINE_START_TIMEOUT}s"
    rc=0
    wait_for_engine "${pid}" || rc=$?
    if [[ ${rc} -ne 0 ]]; then
      log_tail
      die "dockerd pid ${pid} does not answer 'docker info' after ${ENGINE_START_TIMEOUT}s; not starting a second daemon. Stop it (kill ${pid}) and rerun."
    fi
  else
    driver=$(choose_storage_driver)
    log_step "starting dockerd --storage-driver=${driver} (log: ${DOCKERD_LOG})"
    pid=$(start_dockerd "${driver}")
    rc=0
    wait_for_engine "${pid}" || rc=$?
    if [[ ${rc} -eq 1 && ${driver} == overlay2 && -z ${MIGRATION_DOCKER_STORAGE_DRIVER:-} ]]; then
      # dockerd runs checks the mount probe cannot (e.g. d_type, backing fs blacklist). Fall back rather than fail.
      log_tail
      log_step "dockerd exited with overlay2; falling back to --storage-driver=vfs (slower, more disk)"
      driver=vfs
      pid=$(start_dockerd "${driver}")
      rc=0
      wait_for_engine "${pid}" || rc=$?
    fi
    if [[ ${rc} -ne 0 ]]; then
      log_tail
      if [[ ${rc} -eq 1 ]]; then
        die "dockerd (storage driver ${driver}) exited during startup; see ${DOCKERD_LOG}"
      fi
      die "dockerd (pid ${pid}) did not answer 'docker info' within ${ENGINE_START_TIMEOUT}s; see ${DOCKERD_LOG}"
    fi
  fi
  log_step "docker engine ready in $(seconds_since "${started}")s: $(docker info --format '{{.ServerVersion}}, storage driver {{.Driver}}')"
}

main "$@"
