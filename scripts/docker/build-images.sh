#!/usr/bin/env bash
# Builds every image the migration stack runs, from local sources only (no registry is reachable):
#
#   migration/python-base:2.7-bullseye         debootstrap + import          (scripts/docker/build-base-images.sh)
#   migration/python-base:3.13-trixie          debootstrap + import
#   migration/legacy-flask:0.2.0               apps/legacy-flask/Dockerfile  (BASE_IMAGE=migration/python-base:2.7-bullseye)
#   migration/fastapi:0.2.0                    apps/fastapi/Dockerfile       (BASE_IMAGE=migration/python-base:3.13-trixie)
#   migration/debian-base:bookworm             debootstrap + import
#   migration/postgres:15-bookworm             images/postgres
#   migration/nginx-lua:1.22-bookworm          images/nginx-lua
#   migration/prometheus:2.42-bookworm         images/prometheus
#   migration/alertmanager:0.25-bookworm       images/alertmanager
#   migration/postgres-exporter:0.11-bookworm  images/postgres-exporter
#   migration/traefik:<version>                images/traefik + binary from scripts/docker/build-traefik-binary.sh
#   migration/victorialogs:<version>           images/victorialogs + binary from scripts/docker/build-victorialogs-binary.sh
#   migration/log-collector:<version>          images/log-collector + binary from scripts/docker/build-log-collector-binary.sh
#
# Usage: build-images.sh [--force] [--force-base] [--no-cache] [--traefik-version vX.Y.Z] [IMAGE ...]
#   IMAGE         short names (python2-base, python3-base, legacy-flask, fastapi, debian-base, postgres, ...);
#                 default: all, in the order above
#   --force       rebuild images from Dockerfiles even when up to date (the layer cache still applies)
#   --no-cache    with --force semantics, and `docker build --no-cache` (fresh apt packages)
#   --force-base  also re-run debootstrap for the base images
#
# An image is skipped when its tag exists AND carries the build hash of its current inputs (label
# org.migration.build-hash: Dockerfile/context files, base image ID, build args), so an edited Dockerfile or app
# source is rebuilt on the next run while an unchanged stack costs a few seconds. The demo app images are skipped,
# with a message, while their Dockerfile does not exist yet.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly SCRIPT_DIR="${MIGRATION_REPO_ROOT}/scripts/docker"
DEBIAN_BASE=$(base_image_tag debian-base)
readonly DEBIAN_BASE
readonly ALL_IMAGES=(python2-base python3-base legacy-flask fastapi debian-base postgres nginx-lua prometheus alertmanager postgres-exporter traefik victorialogs log-collector)
# Generous bounds for a cold compile on a busy 2-core machine; a hung build must not block CI forever.
: "${TRAEFIK_BUILD_TIMEOUT:=3600}"
: "${LOG_PIPELINE_BUILD_TIMEOUT:=1800}"

FORCE=0
FORCE_BASE=0
NO_CACHE=0
TRAEFIK_VERSION=${TRAEFIK_VERSION:-}
SELECTED=()
SUMMARY=()
# Background compiles by name (traefik): their pids, and their logs in MIGRATION_LOG_DIR/<name>-binary.log.
declare -A COMPILE_PIDS=()

usage() {
  sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --force) FORCE=1 ;;
      --force-base) FORCE_BASE=1 ;;
      --no-cache) NO_CACHE=1 FORCE=1 ;;
      --traefik-version)
        [[ $# -ge 2 ]] || usage
        TRAEFIK_VERSION=$2
        shift
        ;;
      -h | --help) usage ;;
      -*) usage ;;
      *)
        [[ " ${ALL_IMAGES[*]} " == *" $1 "* ]] || die "unknown image '$1' (known: ${ALL_IMAGES[*]})"
        SELECTED+=("$1")
        ;;
    esac
    shift
  done
  [[ ${#SELECTED[@]} -gt 0 ]] || SELECTED=("${ALL_IMAGES[@]}")
}

is_selected() {
  [[ " ${SELECTED[*]} " == *" $1 "* ]]
}

record() {
  SUMMARY+=("$(printf '%-17s %-9s %5ss  %s' "$1" "$2" "$3" "$4")")
}

# The versions are read from the build scripts, the one place each is pinned, unless given explicitly.
resolve_binary_versions() {
  if [[ -z ${TRAEFIK_VERSION} ]]; then
    TRAEFIK_VERSION=$(sed -n 's/^readonly DEFAULT_TRAEFIK_VERSION=//p' "${SCRIPT_DIR}/build-traefik-binary.sh")
  fi
  [[ ${TRAEFIK_VERSION} =~ ^v3\.[0-9]+\.[0-9]+$ ]] || die "bad Traefik version '${TRAEFIK_VERSION}' (expected v3.X.Y)"
}

# VictoriaLogs' version, where it is pinned (its build script), unless VICTORIALOGS_VERSION says otherwise. The
# collector's is its manifest's (log_collector_version, scripts/docker/lib.sh).
victorialogs_version() {
  echo "${VICTORIALOGS_VERSION:-$(sed -n 's/^readonly DEFAULT_VICTORIALOGS_VERSION=//p' "${SCRIPT_DIR}/build-victorialogs-binary.sh")}"
}

traefik_binary_path() {
  echo "${MIGRATION_CACHE_DIR}/traefik/bin/${TRAEFIK_VERSION}/traefik"
}

# A cold compile is CPU-bound and takes 10+ minutes, while debootstrap and apt-get are mostly network and disk:
# starting the compiles first overlaps them with the other builds, so a cold run is not the sum of everything.
# start_compile_in_background NAME TIMEOUT SCRIPT VERSION
start_compile_in_background() {
  local name=$1 timeout_seconds=$2 script=$3 version=$4
  mkdir -p "${MIGRATION_LOG_DIR}"
  log_step "${name} ${version}: compiling in the background (log: ${MIGRATION_LOG_DIR}/${name}-binary.log)"
  timeout "${timeout_seconds}" bash "${SCRIPT_DIR}/${script}" "${version}" >"${MIGRATION_LOG_DIR}/${name}-binary.log" 2>&1 &
  COMPILE_PIDS[${name}]=$!
}

start_compiles_in_background() {
  if is_selected traefik && [[ ! -x $(traefik_binary_path) ]]; then
    start_compile_in_background traefik "${TRAEFIK_BUILD_TIMEOUT}" build-traefik-binary.sh "${TRAEFIK_VERSION}"
  fi
}

# wait_for_compile NAME TIMEOUT: returns once the background compile NAME (if any) succeeded; fails with its log.
wait_for_compile() {
  local name=$1 timeout_seconds=$2 rc=0 log="${MIGRATION_LOG_DIR}/$1-binary.log"
  [[ -n ${COMPILE_PIDS[${name}]:-} ]] || return 0
  log_step "${name}: waiting for the background compile (pid ${COMPILE_PIDS[${name}]})"
  wait "${COMPILE_PIDS[${name}]}" || rc=$?
  unset "COMPILE_PIDS[${name}]"
  if [[ ${rc} -ne 0 ]]; then
    grep -v '^go: downloading' "${log}" | tail -n 40 >&2
    [[ ${rc} -eq 124 ]] && die "${name}: compile exceeded ${timeout_seconds}s (log: ${log})"
    die "${name}: compile failed with status ${rc} (log: ${log})"
  fi
}

# Hash of everything that determines an image: files of the build context (minus caches a .dockerignore would drop
# anyway), the base image's ID and the build arguments.
build_hash() {
  local context=$1
  shift
  {
    (cd "${context}" && find . -type f \
      ! -path '*/__pycache__/*' ! -path '*/.pytest_cache/*' ! -path '*/.mypy_cache/*' ! -path '*/.venv/*' \
      ! -path '*/node_modules/*' ! -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
    printf '%s\n' "$@"
  } | sha256sum | cut -c1-16
}

image_build_hash() {
  docker image inspect --format '{{ index .Config.Labels "org.migration.build-hash" }}' "$1" 2>/dev/null || true
}

# docker_build NAME TAG CONTEXT BASE_IMAGE [extra docker build args...]
docker_build() {
  local name=$1 tag=$2 context=$3 base=$4 started hash existing log
  shift 4
  started=$(date +%s)
  image_exists "${base}" || die "${name}: base image ${base} is missing"
  hash=$(build_hash "${context}" "$(docker image inspect --format '{{.Id}}' "${base}")" "$@")
  if [[ ${FORCE} -eq 0 ]] && image_exists "${tag}"; then
    existing=$(image_build_hash "${tag}")
    if [[ ${existing} == "${hash}" ]]; then
      log_step "${name}: ${tag} is up to date, skipped"
      record "${name}" skipped "$(seconds_since "${started}")" "${tag}"
      return 0
    fi
    log_step "${name}: ${tag} exists but its inputs changed (build hash ${existing:-none} -> ${hash}); rebuilding"
  fi

  log="${MIGRATION_LOG_DIR}/build-${name}.log"
  mkdir -p "${MIGRATION_LOG_DIR}"
  log_step "${name}: docker build -t ${tag} ${context} (log: ${log})"
  local -a args=(--tag "${tag}" --build-arg "BASE_IMAGE=${base}" --label "org.migration.build-hash=${hash}")
  [[ ${NO_CACHE} -eq 1 ]] && args+=(--no-cache)
  # The classic builder: BuildKit would need the buildx plugin with recent CLIs, and nothing here needs BuildKit.
  if ! DOCKER_BUILDKIT=0 docker build "${args[@]}" "$@" "${context}" >"${log}" 2>&1; then
    tail -n 40 "${log}" >&2
    die "${name}: docker build failed (full log: ${log})"
  fi
  log_step "${name}: built ${tag} in $(seconds_since "${started}")s"
  record "${name}" built "$(seconds_since "${started}")" "${tag}"
}

build_base() {
  local name=$1 tag=$2 started
  started=$(date +%s)
  if [[ ${FORCE_BASE} -eq 0 ]] && image_exists "${tag}"; then
    log_step "${name}: ${tag} exists, skipped"
    record "${name}" skipped "$(seconds_since "${started}")" "${tag}"
    return 0
  fi
  local -a args=()
  [[ ${FORCE_BASE} -eq 1 ]] && args+=(--force)
  bash "${SCRIPT_DIR}/build-base-images.sh" "${args[@]}" "${name}"
  record "${name}" built "$(seconds_since "${started}")" "${tag}"
}

# build_app NAME: apps/NAME/Dockerfile on its Python base (APP_BASES in lib.sh).
build_app() {
  local name=$1 dir="${MIGRATION_REPO_ROOT}/apps/$1"
  if [[ ! -f ${dir}/Dockerfile ]]; then
    log_step "${name}: skipped, ${dir#"${MIGRATION_REPO_ROOT}"/}/Dockerfile does not exist yet"
    record "${name}" missing 0 "no ${dir#"${MIGRATION_REPO_ROOT}"/}/Dockerfile"
    return 0
  fi
  docker_build "${name}" "$(app_image_tag "${name}")" "${dir}" "$(base_image_tag "${APP_BASES[${name}]}")"
}

# The binaries live in the cache (outside the work tree), and a build context must contain what it COPYs: assemble a
# small context next to them instead of copying 150 MB into the repository.
# binary_image NAME TAG VERSION_ARG BINARY...: images/NAME (its Dockerfile and files) with the binaries, built with
# VERSION_ARG.
binary_image() {
  local name=$1 tag=$2 version_arg=$3 binary context
  shift 3
  context="${MIGRATION_CACHE_DIR}/contexts/${name}"
  rm -rf "${context}"
  mkdir -p "${context}"
  cp -r "${MIGRATION_REPO_ROOT}/images/${name}/." "${context}/"
  for binary in "$@"; do
    ln "${binary}" "${context}/$(basename "${binary}")" 2>/dev/null || cp "${binary}" "${context}/$(basename "${binary}")"
  done
  docker_build "${name}" "${tag}" "${context}" "${DEBIAN_BASE}" --build-arg "${version_arg}"
}

build_traefik() {
  local binary
  wait_for_compile traefik "${TRAEFIK_BUILD_TIMEOUT}"
  binary=$(bash "${SCRIPT_DIR}/build-traefik-binary.sh" "${TRAEFIK_VERSION}")
  binary_image traefik "migration/traefik:${TRAEFIK_VERSION}" "TRAEFIK_VERSION=${TRAEFIK_VERSION}" "${binary}"
}

# The log pipeline's two compiles take about 3 minutes cold together and seconds when cached: run in the foreground,
# after Traefik's background compile has had the cores to itself for a while.
build_victorialogs() {
  local binary version
  version=$(victorialogs_version)
  binary=$(timeout "${LOG_PIPELINE_BUILD_TIMEOUT}" bash "${SCRIPT_DIR}/build-victorialogs-binary.sh" "${version}")
  binary_image victorialogs "migration/victorialogs:${version}" "VICTORIALOGS_VERSION=${version}" "${binary}"
}

build_log_collector() {
  local binary version
  binary=$(timeout "${LOG_PIPELINE_BUILD_TIMEOUT}" bash "${SCRIPT_DIR}/build-log-collector-binary.sh")
  version=$(log_collector_version)
  binary_image log-collector "migration/log-collector:${version}" "COLLECTOR_VERSION=${version}" "${binary}"
}

# If another step fails first, do not leave a 10-minute compile running unattended. timeout(1) leads its own process
# group, so signalling the group reaches `go build` and its compiler children; the Go build cache keeps the
# packages already compiled, so the next run resumes rather than restarts.
stop_background_compiles() {
  local name pid
  for name in "${!COMPILE_PIDS[@]}"; do
    pid=${COMPILE_PIDS[${name}]}
    if kill -0 "${pid}" 2>/dev/null; then
      log_step "stopping the background ${name} compile (pid ${pid})"
      kill -TERM -- "-${pid}" 2>/dev/null || kill -TERM "${pid}" 2>/dev/null || true
    fi
  done
}

print_summary() {
  local line
  echo >&2
  echo "image             result    time   tag" >&2
  for line in "${SUMMARY[@]}"; do echo "${line}" >&2; done
  echo "total: $(seconds_since "${MIGRATION_RUN_STARTED_AT}")s" >&2
  # The stack config takes these tags verbatim (stdout, so callers can capture them).
  if is_selected traefik; then echo "traefik image: migration/traefik:${TRAEFIK_VERSION}"; fi
  if is_selected victorialogs; then echo "victorialogs image: migration/victorialogs:$(victorialogs_version)"; fi
  if is_selected log-collector; then echo "log-collector image: migration/log-collector:$(log_collector_version)"; fi
}

main() {
  parse_args "$@"
  require_root
  resolve_binary_versions
  trap stop_background_compiles EXIT
  bash "${SCRIPT_DIR}/ensure-engine.sh"
  start_compiles_in_background

  # The Python bases and the apps first: they are what the application developers wait for.
  is_selected python2-base && build_base python2-base "$(base_image_tag python2-base)"
  is_selected python3-base && build_base python3-base "$(base_image_tag python3-base)"
  is_selected legacy-flask && build_app legacy-flask
  is_selected fastapi && build_app fastapi
  is_selected debian-base && build_base debian-base "${DEBIAN_BASE}"
  is_selected postgres && docker_build postgres migration/postgres:15-bookworm "${MIGRATION_REPO_ROOT}/images/postgres" "${DEBIAN_BASE}"
  is_selected nginx-lua && docker_build nginx-lua migration/nginx-lua:1.22-bookworm "${MIGRATION_REPO_ROOT}/images/nginx-lua" "${DEBIAN_BASE}"
  is_selected prometheus && docker_build prometheus migration/prometheus:2.42-bookworm "${MIGRATION_REPO_ROOT}/images/prometheus" "${DEBIAN_BASE}"
  is_selected alertmanager && docker_build alertmanager migration/alertmanager:0.25-bookworm "${MIGRATION_REPO_ROOT}/images/alertmanager" "${DEBIAN_BASE}"
  is_selected postgres-exporter && docker_build postgres-exporter migration/postgres-exporter:0.11-bookworm "${MIGRATION_REPO_ROOT}/images/postgres-exporter" "${DEBIAN_BASE}"
  is_selected traefik && build_traefik
  is_selected victorialogs && build_victorialogs
  is_selected log-collector && build_log_collector
  print_summary
}

main "$@"
