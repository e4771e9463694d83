# shellcheck shell=bash
# Shared helpers for the scripts in scripts/docker/. Source it; do not execute it.
#
# Everything these scripts cache or log lives OUTSIDE the work tree, so a `git clean` never throws away a
# 10-minute Traefik build and the repository never picks up root-owned rootfs trees.

# Where cached artefacts (debootstrap tarballs, the Traefik binary) and logs go. Overridable for CI runners
# that mount a persistent cache volume elsewhere.
: "${MIGRATION_CACHE_DIR:=/var/cache/migration-images}"
: "${MIGRATION_LOG_DIR:=/var/log/migration}"

# Debian release and mirror used by every base image; images FROM them apt-get from the same mirror.
: "${DEBIAN_SUITE:=bookworm}"
: "${DEBIAN_MIRROR:=http://deb.debian.org/debian}"

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
