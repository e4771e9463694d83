# shellcheck shell=bash
# The cluster's processes: started detached, each with a pid file and a log, and stopped by that pid file only, after
# checking that the pid still runs the binary it was started from (a pid is reused after a reboot or a crash). There is
# no systemd on these machines, so this is the supervisor; nothing restarts a process that dies. Source it.

PID_DIR="${MIGRATION_CLUSTER_RUN}/pids"

pid_file() { echo "${PID_DIR}/$1.pid"; }
component_log() { echo "${MIGRATION_CLUSTER_LOGS}/$1.log"; }

# component_pid NAME: prints the pid of NAME when its pid file names a live process running the binary recorded
# beside it; returns 1 otherwise (no pid file, a dead process, or a pid now used by another program).
component_pid() {
  local file pid binary
  file=$(pid_file "$1")
  [[ -f ${file} ]] || return 1
  read -r pid binary <"${file}" || return 1
  [[ -n ${pid} ]] && process_alive "${pid}" || return 1
  [[ $(readlink "/proc/${pid}/exe" 2>/dev/null) == "${binary}" ]] || return 1
  echo "${pid}"
}

# component_state NAME: running, stopped (no pid file) or stale (a pid file whose process is gone).
component_state() {
  if component_pid "$1" >/dev/null; then
    echo running
  elif [[ -f $(pid_file "$1") ]]; then
    echo stale
  else
    echo stopped
  fi
}

# start_component NAME NETNS|host BINARY ARG...: starts BINARY detached from this shell (it outlives the script and
# the CI step), in the cluster's network namespace or the host's, with its output appended to its log. Records
# "pid binary" in its pid file. Does nothing when it already runs; a stale pid file is replaced, saying so.
start_component() {
  local name=$1 where=$2 binary=$3 log pid
  shift 3
  if pid=$(component_pid "${name}"); then
    log_step "${name}: already running (pid ${pid})"
    return 0
  fi
  if [[ -f $(pid_file "${name}") ]]; then
    log_step "${name}: its pid file names no running ${name} (it died or was killed): a stale pid file, replaced"
    rm -f "$(pid_file "${name}")"
  fi
  mkdir -p "${PID_DIR}" "${MIGRATION_CLUSTER_LOGS}"
  log=$(component_log "${name}")
  printf '\n==== %s: starting %s ====\n' "$(date -Is)" "${name}" >>"${log}"
  # A background job of a script is not a process group leader, so setsid does not fork; nsenter, entering only a
  # network namespace, execs. $! is therefore the component itself.
  if [[ ${where} == netns ]]; then
    setsid nsenter --net="${CLUSTER_NETNS_PATH}" -- "${binary}" "$@" >>"${log}" 2>&1 </dev/null &
  else
    setsid "${binary}" "$@" >>"${log}" 2>&1 </dev/null &
  fi
  pid=$!
  echo "${pid} $(readlink -f "${binary}")" >"$(pid_file "${name}")"
  log_step "${name}: started (pid ${pid}, log ${log})"
}

# process_alive PID: PID runs (an exited process whose parent has not reaped it yet, a zombie, does not count).
process_alive() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n ${state} && ${state} != Z ]]
}

# stop_component NAME [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 20); removes the pid file.
stop_component() {
  local name=$1 grace=${2:-20} pid deadline
  if ! pid=$(component_pid "${name}"); then
    rm -f "$(pid_file "${name}")"
    return 0
  fi
  kill -TERM "${pid}" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while process_alive "${pid}" && ((SECONDS < deadline)); do sleep 0.2; done
  if process_alive "${pid}"; then
    log_step "${name}: still running ${grace}s after SIGTERM; SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  rm -f "$(pid_file "${name}")"
  log_step "${name}: stopped (was pid ${pid})"
}
