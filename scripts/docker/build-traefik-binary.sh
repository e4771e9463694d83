#!/usr/bin/env bash
# Builds the Traefik binary from the Go module proxy (Docker Hub and GitHub releases are unreachable here) and caches
# it outside the work tree, keyed by version:  $MIGRATION_CACHE_DIR/traefik/bin/<version>/traefik
# A cached binary makes this script return in well under a second; a cold build took 31 min here on 2 busy cores.
#
# Usage: build-traefik-binary.sh [--force] [VERSION]      (VERSION defaults to $TRAEFIK_VERSION or the pinned one)
# Prints the path of the binary on stdout (progress goes to stderr).
#
# Why the build is not a plain `go install github.com/traefik/traefik/v3/cmd/traefik@vX`:
#  - traefik's go.mod has `replace` lines, which `go install pkg@version` refuses; we build inside a writable copy
#    of the module instead, where go.mod is the main module and its replaces apply.
#  - one replace points at ./pkg/config/dynamic/ext, a nested module: module zips omit nested modules, and it is not
#    published on the proxy. In the open-source build it only declares empty extension structs, so we generate
#    a stub with the same package API (see write_dynamic_ext_stub).
#  - the web UI (webui/static) is built by yarn/vite in upstream's release pipeline and is absent from the module;
#    `//go:embed static` still compiles against the placeholder file left there. The dashboard is not used.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Pinned so the image tag in the stack config stays reproducible. The proxy lists v3.7.11-v3.7.13 too, but their
# dependencies are not all served by it (see explain_unavailable_modules); v3.6.12 is the newest v3 that builds.
readonly DEFAULT_TRAEFIK_VERSION=v3.6.12
readonly TRAEFIK_MODULE=github.com/traefik/traefik/v3

parse_binary_build_args "${TRAEFIK_VERSION:-${DEFAULT_TRAEFIK_VERSION}}" "$@"

readonly TRAEFIK_CACHE="${MIGRATION_CACHE_DIR}/traefik"
readonly BIN_PATH="${TRAEFIK_CACHE}/bin/${VERSION}/traefik"

# The nested module github.com/traefik/traefik/dynamic/ext (replaced by ./pkg/config/dynamic/ext in go.mod) is the
# hook where commercial builds add fields to dynamic.HTTPConfiguration and dynamic.Router. Open-source Traefik leaves
# the types empty, so empty types reproduce its behaviour exactly.
write_dynamic_ext_stub() {
  local ext_dir="$1/pkg/config/dynamic/ext"
  grep -q 'dynamic/ext => ./pkg/config/dynamic/ext' "$1/go.mod" || return 0
  mkdir -p "${ext_dir}"
  printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24.0\n' >"${ext_dir}/go.mod"
  cat >"${ext_dir}/ext.go" <<'STUB'
// Package ext is a local stand-in for Traefik's dynamic-configuration extension module, which is not published on
// the Go module proxy. Open-source Traefik embeds these types without adding any fields.
package ext

// HTTP is embedded in dynamic.HTTPConfiguration.
type HTTP struct{}

// Router is embedded in dynamic.Router.
type Router struct{}

// RouterIng carries ingress-annotation extensions of a router.
type RouterIng struct{}

// ToRouter returns the (empty) router extension for an ingress router.
func (RouterIng) ToRouter() Router { return Router{} }
STUB
}

main() {
  local started
  started=$(date +%s)
  if [[ ${FORCE} -eq 0 && -x ${BIN_PATH} ]]; then
    log_step "traefik ${VERSION}: cached binary ${BIN_PATH}"
  else
    # The proxy lists Traefik v3.7.x, but it refuses some of their dependencies (a 2026 snapshot of
    # github.com/containous/go-http-auth, lego v5 DNS-provider SDKs): the failure names them. Codename "migration"
    # marks the binary as this local build in `traefik version`.
    GO_BUILD_FORCE=${FORCE} GO_BUILD_FAILURE_HINT="Build another Traefik v3 version whose dependencies the proxy serves: TRAEFIK_VERSION=vX.Y.Z or --traefik-version." \
      go_build_from_proxy "${TRAEFIK_MODULE}" "${VERSION}" "${TRAEFIK_CACHE}" write_dynamic_ext_stub "" \
      "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=${VERSION} \
      -X github.com/traefik/traefik/v3/pkg/version.Codename=migration \
      -X github.com/traefik/traefik/v3/pkg/version.BuildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      traefik=cmd/traefik
    "${BIN_PATH}" version >&2 || die "built binary ${BIN_PATH} does not run"
    log_step "traefik ${VERSION}: ready in $(seconds_since "${started}")s -> ${BIN_PATH}"
  fi
  echo "${BIN_PATH}"
}

main
