#!/usr/bin/env bash
# Traefik's CustomResourceDefinitions, which a cluster needs once before any platform stack deploys there: they are
# cluster-wide and shared by every stack's Traefik, so no stack owns them (a stack's destroy must never delete the
# CRDs, which would delete every other stack's routing objects with them). Taken from the Go module of the Traefik
# version the project builds (github.com/traefik/traefik/v3, docs/content/reference/dynamic-configuration/), through
# the Go module proxy, and applied server-side (they are too large for a client-side apply's annotation).
#
# Usage: traefik-crds.sh path                       print the CRD file's path (downloading the module if needed)
#        traefik-crds.sh apply [KUBECTL ARG...]     apply them with kubectl, e.g. --kubeconfig FILE --context NAME
#
# Without Go, install the same version's CRDs from Traefik's own release or Helm chart instead (docs/kubernetes.md).
# Environment: GO_BIN (default /usr/local/go/bin/go), KUBECTL (default kubectl).
set -Eeuo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib.sh
source "${SCRIPT_DIR}/../lib.sh"

readonly TRAEFIK_MODULE=github.com/traefik/traefik/v3
readonly CRD_FILE=docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml
: "${GO_BIN:=/usr/local/go/bin/go}"
: "${KUBECTL:=kubectl}"

traefik_version() {
  sed -n 's/^readonly DEFAULT_TRAEFIK_VERSION=//p' "${SCRIPT_DIR}/../docker/build-traefik-binary.sh"
}

crd_path() {
  local version module_dir
  version=$(traefik_version)
  [[ -x ${GO_BIN} ]] || die "Go not found at ${GO_BIN} (set GO_BIN), which fetches Traefik ${version}'s CRDs; without Go, apply them from Traefik ${version}'s own release (docs/kubernetes.md)"
  # Outside any module, so that no go.mod around the working directory decides what is downloaded.
  module_dir=$(cd /tmp && GOTOOLCHAIN=local "${GO_BIN}" mod download -json "${TRAEFIK_MODULE}@${version}" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -f ${module_dir}/${CRD_FILE} ]] || die "${TRAEFIK_MODULE}@${version} has no ${CRD_FILE}"
  echo "${module_dir}/${CRD_FILE}"
}

case "${1:-}" in
  path) crd_path ;;
  apply)
    shift
    file=$(crd_path)
    "${KUBECTL}" "$@" apply --server-side --force-conflicts --field-manager migration-prerequisites -f "${file}"
    ;;
  *)
    sed -n '/^# Usage:/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
