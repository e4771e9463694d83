#!/usr/bin/env bash
# Builds VictoriaLogs (Apache-2.0), the platform's log store, from the Go module proxy (Docker Hub and GitHub releases
# are unreachable here) and caches it outside the work tree, keyed by version:
#   $MIGRATION_CACHE_DIR/victorialogs/bin/<version>/victoria-logs
# The module carries its built web UI (app/vlselect/vmui), embedded in the binary. A cached binary makes this script
# return at once.
#
# Usage: build-victorialogs-binary.sh [--force] [VERSION]   (VERSION defaults to $VICTORIALOGS_VERSION or the pinned one)
# Prints the binary's path on stdout (progress goes to stderr).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Pinned so the image tag in the stack config stays reproducible.
readonly DEFAULT_VICTORIALOGS_VERSION=v1.52.1
readonly VICTORIALOGS_MODULE=github.com/VictoriaMetrics/VictoriaLogs

parse_binary_build_args "${VICTORIALOGS_VERSION:-${DEFAULT_VICTORIALOGS_VERSION}}" "$@"

readonly VICTORIALOGS_CACHE="${MIGRATION_CACHE_DIR}/victorialogs"
readonly BIN_DIR="${VICTORIALOGS_CACHE}/bin/${VERSION}"

main() {
  local started
  started=$(date +%s)
  if [[ ${FORCE} -eq 0 ]] && go_binaries_cached "${BIN_DIR}" victoria-logs; then
    log_step "victorialogs ${VERSION}: cached binary in ${BIN_DIR}"
  else
    # As upstream's Makefile: static, pure Go, the version stamped where `-version` reads it.
    GO_BUILD_FORCE=${FORCE} GO_BUILD_FAILURE_HINT="Build another VictoriaLogs version whose dependencies the proxy serves: VICTORIALOGS_VERSION=vX.Y.Z." \
      go_build_from_proxy "${VICTORIALOGS_MODULE}" "${VERSION}" "${VICTORIALOGS_CACHE}" : "" \
      "-s -w -X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-${VERSION}-migration" \
      victoria-logs=app/victoria-logs
    "${BIN_DIR}/victoria-logs" -version >&2 || die "built binary ${BIN_DIR}/victoria-logs does not run"
    log_step "victorialogs ${VERSION}: ready in $(seconds_since "${started}")s -> ${BIN_DIR}"
  fi
  echo "${BIN_DIR}/victoria-logs"
}

main
