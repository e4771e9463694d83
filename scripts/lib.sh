# shellcheck shell=bash
# Shared helpers for the project's shell scripts (sourced, not executed).

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Installs the Debian packages that are missing; needs root (the CI and dev machines run as root). `apt-get update`
# is slow and needs the network, so it runs at most once per run, and only when something is missing.
APT_UPDATED=${APT_UPDATED:-0}
apt_install() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]} (install them, or run as root)"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update (installing: ${missing[*]})"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
    APT_UPDATED=1
    export APT_UPDATED
  fi
  log "apt-get install -y ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# Installing a Debian server package starts the server under systemd. The tests need only the command-line tools of
# Prometheus and Alertmanager, and a host Prometheus would hold port 9090, which the platform's own Prometheus
# publishes: mask the servers of those packages that are not installed yet (never one the machine already has), so
# that installing them starts nothing.
mask_servers_of_new_packages() {
  [ -d /run/systemd/system ] && [ "$(id -u)" -eq 0 ] || return 0
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || systemctl mask --quiet "$package.service"
  done
}

# The Debian tools `npm test` runs against: the nginx flavour's Lua router is tested against Debian's nginx, as it runs
# in the ingress image; the generated Prometheus and Alertmanager files against the real promtool and amtool; the
# workflows' run: scripts against shellcheck (through actionlint); the Flask vs FastAPI console page in headless
# Chromium, which puppeteer-core drives (it downloads no browser of its own).
install_test_tools() {
  mask_servers_of_new_packages prometheus prometheus-alertmanager
  apt_install nginx-light libnginx-mod-http-lua lua-cjson prometheus prometheus-alertmanager shellcheck chromium
}

# Installs the locked npm dependencies when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  local root="$1"
  if [ ! -x "$root/node_modules/.bin/vitest" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    log "installing npm dependencies (npm ci)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Runs commands side by side (each given as one string), each logging to LOG_DIR/<name>.log, and prints every minute
# the last line of each log, so a cold build (tens of minutes) shows where it is. Fails naming the command that failed.
# Usage: run_in_parallel LOG_DIR name1 "command 1" name2 "command 2" ...
run_in_parallel() {
  local log_dir="$1" name pid failed=()
  shift
  mkdir -p "$log_dir"
  local -A pids=()
  while [ "$#" -ge 2 ]; do
    name="$1"
    bash -c "$2" >"$log_dir/$name.log" 2>&1 &
    pids[$name]=$!
    shift 2
  done
  local started=$SECONDS running
  while :; do
    running=0
    for name in "${!pids[@]}"; do kill -0 "${pids[$name]}" 2>/dev/null && running=1; done
    [ "$running" -eq 0 ] && break
    sleep 5
    if [ $(((SECONDS - started) % 60)) -lt 5 ]; then
      for name in "${!pids[@]}"; do
        kill -0 "${pids[$name]}" 2>/dev/null && log "  $name (running $((SECONDS - started)) s): $(tail -n 1 "$log_dir/$name.log" 2>/dev/null)"
      done
    fi
  done
  for name in "${!pids[@]}"; do
    wait "${pids[$name]}" || failed+=("$name")
  done
  [ "${#failed[@]}" -eq 0 ] || die "failed: ${failed[*]} (logs: ${failed[*]/#/$log_dir/})"
}

# Everything a real deploy needs on this machine, idempotent and fast when warm: npm packages, the Docker engine, the
# local images and the Pulumi toolchain (the last two built side by side when cold), then PATH and PULUMI_HOME for
# the Pulumi CLI and the Node 22 that @pulumi/pulumi needs. Call from the script's own shell (it exports variables).
prepare_real_engine() {
  local root="$1"
  log "npm packages"
  ensure_node_modules "$root"
  log "Docker engine"
  "$root/scripts/docker/ensure-engine.sh"
  log "local images and Pulumi toolchain (built once, then reused; logs in /var/log/migration)"
  if command -v pulumi >/dev/null 2>&1; then
    "$root/scripts/docker/build-images.sh"
  else
    run_in_parallel /var/log/migration \
      images "'$root/scripts/docker/build-images.sh'" \
      toolchain "'$root/scripts/toolchain/ensure-pulumi.sh' >/dev/null"
    # shellcheck source=scripts/toolchain/env.sh
    source "$root/scripts/toolchain/env.sh"
  fi
  export PATH="$root/node_modules/.bin:$PATH"
}

# The file backend and passphrase of the e2e and benchmark stacks: their own, so a developer's dev stack is untouched.
use_e2e_backend() {
  local backend="${MIGRATION_E2E_BACKEND:-$HOME/.pulumi-migration-e2e}"
  mkdir -p "$backend"
  export PULUMI_BACKEND_URL="file://$backend"
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-migration-e2e}"
  unset PULUMI_CONFIG_PASSPHRASE_FILE
}
