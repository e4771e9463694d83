# shellcheck shell=bash
# Shared helpers for the scripts in scripts/docker/. Source it; do not execute it.
#
# Everything these scripts cache or log lives OUTSIDE the work tree, so a `git clean` never throws away a
# 10-minute Traefik build and the repository never picks up root-owned rootfs trees.

# Where cached artefacts (debootstrap tarballs, the Traefik binary) and logs go. Overridable for CI runners
# that mount a persistent cache volume elsewhere.
: "${MIGRATION_CACHE_DIR:=/var/cache/migration-images}"
: "${MIGRATION_LOG_DIR:=/var/log/migration}"

# Debian mirror of every base image; images FROM them apt-get from the same mirror.
: "${DEBIAN_MIRROR:=http://deb.debian.org/debian}"

# The base images build-base-images.sh makes, by short name: "image tag|Debian suite|debootstrap --include list".
# Each Python base is the Debian release whose Python is the one its app runs on in production: bullseye is the last
# release with Python 2.7 (2.7.18, the legacy Flask service), trixie has 3.13 (FastAPI targets 3.12 or newer).
# debian-base, under all the platform's images, is bookworm.
declare -gA BASE_IMAGES=(
  [python2-base]="migration/python-base:2.7-bullseye|bullseye|ca-certificates,python2.7,python-is-python2"
  [python3-base]="migration/python-base:3.13-trixie|trixie|ca-certificates,python3,python3-pip,python3-venv,python-is-python3"
  [debian-base]="migration/debian-base:bookworm|bookworm|ca-certificates"
)

# base_image_field NAME 1|2|3: the tag, the suite or the package list of base image NAME.
base_image_field() {
  [[ -n ${BASE_IMAGES[$1]:-} ]] || die "unknown base image '$1' (known: ${!BASE_IMAGES[*]})"
  cut -d'|' -f"$2" <<<"${BASE_IMAGES[$1]}"
}

base_image_tag() { base_image_field "$1" 1; }

# The app images, apps/<name>/Dockerfile each on its Python base. The scripts here and apps/contract/run.sh take their
# tag from app_image_tag (the Pulumi stack config and the TypeScript tests spell it themselves).
APP_IMAGE_VERSION=0.2.0
declare -gA APP_BASES=([legacy-flask]=python2-base [fastapi]=python3-base)

app_image_tag() {
  [[ -n ${APP_BASES[$1]:-} ]] || die "unknown app image '$1' (known: ${!APP_BASES[*]})"
  echo "migration/$1:${APP_IMAGE_VERSION}"
}

# shellcheck disable=SC2034  # used by the scripts that source this file
# Repository root, derived from this file's location so the scripts work from any current directory.
MIGRATION_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# log, die and apt_install are shared with the project's other scripts.
# shellcheck source=scripts/lib.sh
source "${MIGRATION_REPO_ROOT}/scripts/lib.sh"

# Start of the whole run, for the "+Ns" elapsed stamps in progress lines.
: "${MIGRATION_RUN_STARTED_AT:=$(date +%s)}"
export MIGRATION_RUN_STARTED_AT

log_step() {
  local now
  now=$(date +%s)
  printf '[%s +%4ss] %s\n' "$(date +%H:%M:%S)" "$((now - MIGRATION_RUN_STARTED_AT))" "$*" >&2
}

require_root() {
  [[ ${EUID} -eq 0 ]] || die "$(basename "$0") must run as root (it installs packages, runs dockerd and debootstrap)."
}

image_exists() {
  docker image inspect "$1" >/dev/null 2>&1
}

# Seconds since an epoch timestamp, for per-step durations.
seconds_since() {
  echo $(($(date +%s) - $1))
}

# --- Go binaries built from the module proxy (Traefik, VictoriaLogs) ------------------------------------------------
# Docker Hub and GitHub releases are unreachable here, so these programs are compiled from their Go modules. The same
# obstacles come up each time, hence one implementation:
#  - a module with `replace` lines cannot be built with `go install pkg@version`, so the module is copied out of the
#    (read-only) module cache into a writable tree where its go.mod is the main module and its replaces apply;
#  - a replace may point at a nested module, which module zips omit: the caller's patch function fills it in;
#  - the proxy refuses some module versions (403 "This module version is not available"): the failure names them.

: "${GO_BIN:=/usr/local/go/bin/go}"
# The machine is shared: compiles yield to interactive work and to the apps under test.
: "${GO_BUILD_NICE:=10}"

# parse_binary_build_args DEFAULT_VERSION ARG...: the `[--force] [VERSION]` arguments of the binary build scripts.
# Sets FORCE (0 or 1) and VERSION; -h prints the calling script's "# Usage:" paragraph.
# shellcheck disable=SC2034  # FORCE and VERSION are the calling script's
parse_binary_build_args() {
  FORCE=0
  VERSION=$1
  shift
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --force) FORCE=1 ;;
      v*) VERSION=$1 ;;
      *)
        sed -n '/^# Usage:/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
        ;;
    esac
    shift
  done
}

# go_module_source MODULE VERSION DEST: a writable copy of MODULE@VERSION, downloaded through the module proxy, at DEST.
go_module_source() {
  local module=$1 version=$2 dest=$3 module_dir
  module_dir=$(cd /tmp && "${GO_BIN}" mod download -json "${module}@${version}" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n ${module_dir} && -d ${module_dir} ]] || die "go mod download ${module}@${version} gave no module directory"
  rm -rf "${dest}"
  mkdir -p "$(dirname "${dest}")"
  cp -r "${module_dir}" "${dest}"
  chmod -R u+w "${dest}"
}

# go_required_version GO_MOD MODULE: the version of MODULE that GO_MOD's require lines name.
go_required_version() {
  awk -v module="$2" '($1 == module || ($1 == "require" && $2 == module)) { print ($1 == "require" ? $3 : $2); exit }' "$1"
}

# explain_unavailable_modules LOG HINT: names the module versions the proxy refused, if that is why a build failed.
explain_unavailable_modules() {
  local missing
  # `|| true`: no 403 in the log is the usual case, and under pipefail grep's "no match" would end the script here.
  missing=$({ grep -o 'reading https://[^ ]*: 403' "$1" || true; } | sed -E 's#reading https://[^/]+/(.*)/@v/(.*)\.(zip|info|mod): 403#\1@\2#' | sort -u)
  [[ -n ${missing} ]] || return 0
  {
    echo "The module proxy refused these module versions (403 \"This module version is not available\"):"
    printf '  %s\n' "${missing//$'\n'/$'\n'  }"
    echo "$2"
  } >&2
}

# go_build_from_proxy MODULE VERSION CACHE PATCH_FUNCTION TAGS LDFLAGS NAME=PACKAGE...
#   Builds each PACKAGE (relative to the module root) of MODULE@VERSION into CACHE/bin/VERSION/NAME, static
#   (CGO_ENABLED=0), -trimpath, with the build TAGS and LDFLAGS. PATCH_FUNCTION (or `:`) is called with the source
#   tree before the build. Returns at once when every binary is cached (unless GO_BUILD_FORCE=1). Concurrent callers wait for one another
#   (a lock in CACHE), so a second caller finds the binaries the first one built. Binaries are written under a
#   temporary name and renamed last: an interrupted build never leaves a binary that looks cached. Set
#   GO_BUILD_FAILURE_HINT to say what to try when the proxy refuses a module.
go_build_from_proxy() {
  local module=$1 version=$2 cache=$3 patch=$4 tags=$5 ldflags=$6
  shift 6
  local bin_dir="${cache}/bin/${version}" src_dir="${cache}/src/${version}" log="${cache}/build-${version}.log"
  local target name package lock_fd
  mkdir -p "${cache}"
  exec {lock_fd}>"${cache}/build.lock"
  flock "${lock_fd}"
  if [[ ${GO_BUILD_FORCE:-0} -ne 1 ]] && go_binaries_cached "${bin_dir}" "$@"; then
    exec {lock_fd}>&-
    return 0
  fi
  [[ -x ${GO_BIN} ]] || die "Go not found at ${GO_BIN} (set GO_BIN): ${module}@${version} needs Go >= the go line of its go.mod"
  # Never let the go command fetch a newer toolchain: the module proxy does serve toolchains, but a silent 100 MB
  # download in CI hides a machine that is out of date. Fail fast instead.
  export GOTOOLCHAIN=local CGO_ENABLED=0

  log_step "${module}@${version}: go mod download, copy to ${src_dir}"
  go_module_source "${module}" "${version}" "${src_dir}"
  "${patch}" "${src_dir}"
  mkdir -p "${bin_dir}"
  : >"${log}"
  for target in "$@"; do
    name=${target%%=*} package=${target#*=}
    log_step "${module}@${version}: go build ./${package} (log: ${log})"
    if ! with_heartbeat "go build ${name}" "${log}" \
      nice -n "${GO_BUILD_NICE}" "${GO_BIN}" build -C "${src_dir}" -trimpath -tags "${tags}" -ldflags "${ldflags}" \
      -o "${bin_dir}/${name}.partial.$$" "./${package}"; then
      rm -f "${bin_dir}"/*.partial.$$
      rmdir "${bin_dir}" 2>/dev/null || true
      grep -v '^go: downloading' "${log}" | tail -n 30 >&2
      explain_unavailable_modules "${log}" "${GO_BUILD_FAILURE_HINT:-Build another version whose dependencies the proxy serves.}"
      die "go build of ${name} (${module}@${version}) failed (log: ${log}; source tree kept at ${src_dir})"
    fi
  done
  for target in "$@"; do
    name=${target%%=*}
    mv -f "${bin_dir}/${name}.partial.$$" "${bin_dir}/${name}"
  done
  rm -rf "${src_dir}"
  exec {lock_fd}>&-
}

# The log collector's manifest; its dist.version is the collector's release, which the image tag carries.
LOG_COLLECTOR_MANIFEST="${MIGRATION_REPO_ROOT}/images/log-collector/otelcol-builder.yaml"

# log_collector_version: the collector's release, e.g. v0.165.0.
log_collector_version() {
  echo "v$(sed -n 's/^  version: //p' "${LOG_COLLECTOR_MANIFEST}")"
}

# with_heartbeat WHAT LOG COMMAND...: runs COMMAND with its output appended to LOG and prints "still WHAT" every minute
# it runs, so a build of several minutes shows it is alive. Returns COMMAND's status.
with_heartbeat() {
  local what=$1 log=$2 pid started=$SECONDS
  shift 2
  "$@" >>"${log}" 2>&1 &
  pid=$!
  while ! wait_for_exit "${pid}" 60; do
    log_step "still ${what} ($((SECONDS - started)) s)"
  done
  wait "${pid}"
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND (its output discarded) every half second until it succeeds; prints
# progress every 15 s, and after SECONDS says it timed out and fails.
wait_until() {
  local timeout=$1 what=$2 started=${SECONDS} last=${SECONDS}
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - started >= timeout)); then
      log_step "timed out after ${timeout}s waiting for ${what}"
      return 1
    fi
    if ((SECONDS - last >= 15)); then
      log_step "waiting for ${what} ($((SECONDS - started)) s)"
      last=${SECONDS}
    fi
    sleep 0.5
  done
}

# wait_for_exit PID SECONDS: true once PID (a child of this shell) has exited, false after SECONDS if it still runs.
wait_for_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "${pid}" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

# go_binaries_cached BIN_DIR NAME[=PACKAGE]...: every named binary is in BIN_DIR.
go_binaries_cached() {
  local bin_dir=$1 target
  shift
  for target in "$@"; do
    [[ -x ${bin_dir}/${target%%=*} ]] || return 1
  done
}
