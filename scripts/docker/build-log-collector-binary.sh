#!/usr/bin/env bash
# Builds the log collector, an OpenTelemetry Collector distribution (Apache-2.0) holding only the components listed in
# images/log-collector/otelcol-builder.yaml, with the collector's own builder (ocb), both from the Go module proxy.
# Cached outside the work tree, keyed by the builder's version and the manifest's content:
#   $MIGRATION_CACHE_DIR/log-collector/bin/<version>-<manifest hash>/otelcol-migration
# A cached binary makes this script return at once.
#
# Usage: build-log-collector-binary.sh [--force]
# Prints the binary's path on stdout (progress goes to stderr).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly MANIFEST="${LOG_COLLECTOR_MANIFEST}"
# The builder's release is the manifest's (dist.version): ocb pins the core modules to its own release.
VERSION=$(log_collector_version)
readonly VERSION
readonly BUILDER_MODULE=go.opentelemetry.io/collector/cmd/builder
readonly COLLECTOR_CACHE="${MIGRATION_CACHE_DIR}/log-collector"
KEY="${VERSION}-$(sha256sum "${MANIFEST}" | cut -c1-8)"
readonly KEY
readonly BIN_PATH="${COLLECTOR_CACHE}/bin/${KEY}/otelcol-migration"

FORCE=0
case "${1:-}" in
  --force) FORCE=1 ;;
  "") ;;
  *)
    sed -n '/^# Usage:/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

# The builder itself, installed once per release.
ensure_builder() {
  local builder_dir="${COLLECTOR_CACHE}/builder/${VERSION}"
  if [[ ! -x ${builder_dir}/builder ]]; then
    log_step "log collector: go install ${BUILDER_MODULE}@${VERSION}"
    mkdir -p "${builder_dir}"
    (cd /tmp && GOBIN="${builder_dir}" GOTOOLCHAIN=local CGO_ENABLED=0 "${GO_BIN}" install "${BUILDER_MODULE}@${VERSION}") >&2 \
      || die "go install ${BUILDER_MODULE}@${VERSION} failed"
  fi
  echo "${builder_dir}/builder"
}

main() {
  local started builder src_dir log lock_fd
  started=$(date +%s)
  mkdir -p "${COLLECTOR_CACHE}"
  exec {lock_fd}>"${COLLECTOR_CACHE}/build.lock"
  flock "${lock_fd}"
  if [[ ${FORCE} -eq 0 && -x ${BIN_PATH} ]]; then
    log_step "log collector ${KEY}: cached binary ${BIN_PATH}"
  else
    builder=$(ensure_builder)
    src_dir="${COLLECTOR_CACHE}/src/${KEY}"
    log="${COLLECTOR_CACHE}/build-${KEY}.log"
    rm -rf "${src_dir}"
    mkdir -p "${src_dir}" "$(dirname "${BIN_PATH}")"
    cp "${MANIFEST}" "${src_dir}/manifest.yaml"
    log_step "log collector ${KEY}: ocb generates and builds the distribution (log: ${log})"
    # ocb runs `go mod tidy` and `go build` in dist/; static and stripped, as upstream's release builds.
    if ! (cd "${src_dir}" && GOTOOLCHAIN=local CGO_ENABLED=0 nice -n "${GO_BUILD_NICE}" "${builder}" \
      --config=manifest.yaml --ldflags="-s -w") >"${log}" 2>&1; then
      grep -v '^go: downloading' "${log}" | tail -n 30 >&2
      explain_unavailable_modules "${log}" "Pick another collector release whose modules the proxy serves (dist.version and every gomod line of ${MANIFEST#"${MIGRATION_REPO_ROOT}"/})."
      die "log collector build failed (log: ${log}; source tree kept at ${src_dir})"
    fi
    "${src_dir}/dist/otelcol-migration" --version >&2 || die "built collector does not run"
    mv -f "${src_dir}/dist/otelcol-migration" "${BIN_PATH}"
    rm -rf "${src_dir}"
    log_step "log collector ${KEY}: ready in $(seconds_since "${started}")s -> ${BIN_PATH}"
  fi
  exec {lock_fd}>&-
  echo "${BIN_PATH}"
}

main
