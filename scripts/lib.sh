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

# Installs the locked npm dependencies when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  local root="$1"
  if [ ! -x "$root/node_modules/.bin/vitest" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    log "installing npm dependencies (npm ci)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
