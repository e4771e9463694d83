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

: "${GO_BIN:=/usr/local/go/bin/go}"

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

FORCE=0
VERSION=${TRAEFIK_VERSION:-${DEFAULT_TRAEFIK_VERSION}}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) FORCE=1 ;;
    -h | --help) usage ;;
    v*) VERSION=$1 ;;
    *) usage ;;
  esac
  shift
done

readonly TRAEFIK_CACHE="${MIGRATION_CACHE_DIR}/traefik"
readonly BIN_DIR="${TRAEFIK_CACHE}/bin/${VERSION}"
readonly BIN_PATH="${BIN_DIR}/traefik"
readonly SRC_DIR="${TRAEFIK_CACHE}/src/${VERSION}"

check_go_toolchain() {
  [[ -x ${GO_BIN} ]] || die "Go not found at ${GO_BIN} (set GO_BIN). Traefik ${VERSION} needs Go >= the go line of its go.mod."
  # Never let the go command fetch a newer toolchain: the module proxy does serve toolchains, but a silent
  # 100 MB download in CI hides a machine that is out of date. Fail fast instead.
  export GOTOOLCHAIN=local
  export CGO_ENABLED=0
}

# Copies the module from the module cache into a writable source tree (the module cache is read-only).
prepare_source_tree() {
  local module_dir
  log_step "traefik ${VERSION}: go mod download ${TRAEFIK_MODULE}@${VERSION}"
  module_dir=$(cd /tmp && "${GO_BIN}" mod download -json "${TRAEFIK_MODULE}@${VERSION}" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n ${module_dir} && -d ${module_dir} ]] || die "go mod download ${TRAEFIK_MODULE}@${VERSION} gave no module directory"

  rm -rf "${SRC_DIR}"
  mkdir -p "$(dirname "${SRC_DIR}")"
  cp -r "${module_dir}" "${SRC_DIR}"
  chmod -R u+w "${SRC_DIR}"
  write_dynamic_ext_stub
}

# The nested module github.com/traefik/traefik/dynamic/ext (replaced by ./pkg/config/dynamic/ext in go.mod) is the
# hook where commercial builds add fields to dynamic.HTTPConfiguration and dynamic.Router. Open-source Traefik leaves
# the types empty, so empty types reproduce its behaviour exactly.
write_dynamic_ext_stub() {
  local ext_dir="${SRC_DIR}/pkg/config/dynamic/ext"
  grep -q 'dynamic/ext => ./pkg/config/dynamic/ext' "${SRC_DIR}/go.mod" || return 0
  mkdir -p "${ext_dir}"
  printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24.0\n' >"${ext_dir}/go.mod"
  cat >"${ext_dir}/ext.go" <<'EOF'
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
EOF
}

# The module proxy reachable from these machines does not serve every module version (it answers 403 "This module
# version is not available"): Traefik v3.7.x needs a 2026 snapshot of github.com/containous/go-http-auth and lego v5
# DNS-provider SDKs that it lacks. Name the missing modules, so the fix (pick another version) is obvious.
explain_unavailable_modules() {
  local missing
  missing=$(grep -o 'reading https://[^ ]*: 403' "$1" | sed -E 's|reading https://[^/]+/(.*)/@v/(.*)\.zip: 403|\1@\2|' | sort -u)
  [[ -n ${missing} ]] || return 0
  {
    echo "The module proxy refused these module versions (403 \"This module version is not available\"):"
    printf '  %s\n' "${missing//$'\n'/$'\n'  }"
    echo "Build another Traefik v3 version whose dependencies the proxy serves: TRAEFIK_VERSION=vX.Y.Z or --traefik-version."
  } >&2
}

compile_traefik() {
  local build_date tmp_bin build_log
  build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  tmp_bin="${BIN_DIR}/traefik.partial.$$"
  mkdir -p "${BIN_DIR}"
  build_log="${TRAEFIK_CACHE}/build-${VERSION}.log"
  log_step "traefik ${VERSION}: go build ./cmd/traefik (cold: 10-30 min on 2 cores; log: ${build_log})"
  # Codename "migration" marks the binary as this local build in `traefik version`.
  if ! (
    cd "${SRC_DIR}"
    "${GO_BIN}" build -trimpath -o "${tmp_bin}" -ldflags "-s -w \
      -X github.com/traefik/traefik/v3/pkg/version.Version=${VERSION} \
      -X github.com/traefik/traefik/v3/pkg/version.Codename=migration \
      -X github.com/traefik/traefik/v3/pkg/version.BuildDate=${build_date}" \
      ./cmd/traefik
  ) >"${build_log}" 2>&1; then
    rm -f "${tmp_bin}"
    rmdir "${BIN_DIR}" 2>/dev/null || true
    grep -v '^go: downloading' "${build_log}" | tail -n 30 >&2
    explain_unavailable_modules "${build_log}"
    die "go build of traefik ${VERSION} failed (log: ${build_log}; source tree kept at ${SRC_DIR})"
  fi
  # Rename last so an interrupted build never leaves a truncated binary that a later run would take as cached.
  mv -f "${tmp_bin}" "${BIN_PATH}"
  "${BIN_PATH}" version >&2 || die "built binary ${BIN_PATH} does not run"
  rm -rf "${SRC_DIR}"
}

main() {
  local started
  started=$(date +%s)
  if [[ ${FORCE} -eq 0 && -x ${BIN_PATH} ]]; then
    log_step "traefik ${VERSION}: cached binary ${BIN_PATH}"
  else
    check_go_toolchain
    prepare_source_tree
    compile_traefik
    log_step "traefik ${VERSION}: built in $(seconds_since "${started}")s -> ${BIN_PATH}"
  fi
  echo "${BIN_PATH}"
}

main
