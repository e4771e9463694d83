#!/usr/bin/env bash
# Builds Grafana Loki and its agent Promtail from the Go module proxy (Docker Hub and GitHub releases are unreachable
# here, and Debian's `loki` package is unrelated genetics software) and caches them outside the work tree, keyed by
# version:  $MIGRATION_CACHE_DIR/loki/bin/<version>/{loki,promtail}
# Cached binaries make this script return at once; a cold build of both took about 15 min here on 2 busy cores.
#
# Usage: build-loki-binaries.sh [--force] [VERSION]      (VERSION defaults to $LOKI_VERSION or the pinned one)
# Prints the directory holding both binaries on stdout (progress goes to stderr).
#
# Both come from one module version, so the second build reuses what the first compiled of their shared packages.
# Loki's go.mod replaces github.com/grafana/loki/pkg/push with ./pkg/push, a nested module that the module zip omits;
# it is published on the proxy as a module of its own, so the version that go.mod requires is put in its place.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Pinned so the image tags in the stack config stay reproducible. v3.6.4 is the newest version that has both: the
# proxy serves v3.7.x (up to v3.7.8) too, but Promtail is no longer part of the module from v3.7.0 on, and v3.6.5-8
# are refused or unknown to it.
readonly DEFAULT_LOKI_VERSION=v3.6.4
readonly LOKI_MODULE=github.com/grafana/loki/v3
readonly PUSH_MODULE=github.com/grafana/loki/pkg/push

parse_binary_build_args "${LOKI_VERSION:-${DEFAULT_LOKI_VERSION}}" "$@"

readonly LOKI_CACHE="${MIGRATION_CACHE_DIR}/loki"
readonly BIN_DIR="${LOKI_CACHE}/bin/${VERSION}"

# Fills ./pkg/push, the target of go.mod's replace, with the published module at the version go.mod requires.
fill_push_module() {
  local version
  grep -q "${PUSH_MODULE} => ./pkg/push" "$1/go.mod" || return 0
  [[ -f $1/pkg/push/go.mod ]] && return 0
  version=$(go_required_version "$1/go.mod" "${PUSH_MODULE}")
  [[ -n ${version} ]] || die "${LOKI_MODULE}@${VERSION}: go.mod replaces ${PUSH_MODULE} but requires no version of it"
  log_step "loki ${VERSION}: ./pkg/push from ${PUSH_MODULE}@${version}"
  go_module_source "${PUSH_MODULE}" "${version}" "$1/pkg/push"
}

main() {
  local started build_info
  started=$(date +%s)
  if [[ ${FORCE} -eq 0 ]] && go_binaries_cached "${BIN_DIR}" loki promtail; then
    log_step "loki ${VERSION}: cached binaries in ${BIN_DIR}"
  else
    # As upstream's Makefile: static, netgo. Promtail's journal reader needs cgo (libsystemd) and is left out; it reads
    # the containers through the Docker API.
    build_info=github.com/grafana/loki/v3/pkg/util/build
    GO_BUILD_FORCE=${FORCE} GO_BUILD_FAILURE_HINT="Build another Loki v3 version whose dependencies the proxy serves: LOKI_VERSION=vX.Y.Z or --loki-version." \
      go_build_from_proxy "${LOKI_MODULE}" "${VERSION}" "${LOKI_CACHE}" fill_push_module netgo \
      "-s -w -X ${build_info}.Version=${VERSION#v} -X ${build_info}.Branch=migration \
      -X ${build_info}.BuildUser=migration -X ${build_info}.BuildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      loki=cmd/loki promtail=clients/cmd/promtail
    "${BIN_DIR}/loki" -version >&2 || die "built binary ${BIN_DIR}/loki does not run"
    "${BIN_DIR}/promtail" -version >&2 || die "built binary ${BIN_DIR}/promtail does not run"
    log_step "loki ${VERSION}: loki and promtail ready in $(seconds_since "${started}")s -> ${BIN_DIR}"
  fi
  echo "${BIN_DIR}"
}

main
