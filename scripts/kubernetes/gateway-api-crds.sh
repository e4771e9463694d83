#!/usr/bin/env bash
# The Gateway API's CustomResourceDefinitions (standard channel: GatewayClass, Gateway, HTTPRoute, GRPCRoute,
# ReferenceGrant, BackendTLSPolicy), which the Gateway API flavour of the Kubernetes target needs in the cluster: its
# HTTPRoutes attach to a Gateway the cluster already runs. Most clusters with a Gateway have them; a cluster without
# needs them once. Cluster-wide and shared by every Gateway controller, so no stack owns them (a stack's destroy must
# never delete the CRDs, which would delete every route with them). Taken from the Gateway API's Go module
# (sigs.k8s.io/gateway-api, config/crd/standard/), through the Go module proxy, and applied server-side (they are too
# large for a client-side apply's annotation).
#
# Usage: gateway-api-crds.sh path                       print the CRD files' paths, one a line (downloading if needed)
#        gateway-api-crds.sh apply [KUBECTL ARG...]     apply them with kubectl, e.g. --kubeconfig FILE --context NAME
#
# Without Go, install the same version's standard-install.yaml from the Gateway API's own release instead.
# Environment: GO_BIN (default /usr/local/go/bin/go), KUBECTL (default kubectl).
set -Eeuo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib.sh
source "${SCRIPT_DIR}/../lib.sh"

readonly GATEWAY_API_MODULE=sigs.k8s.io/gateway-api
# The Gateway API version the Traefik the project builds implements (Traefik v3.6.12's go.mod requires
# sigs.k8s.io/gateway-api v1.4.0): with newer CRDs the API server would accept fields that Traefik ignores.
readonly GATEWAY_API_VERSION=v1.4.0
readonly CRD_DIR=config/crd/standard
: "${GO_BIN:=/usr/local/go/bin/go}"
: "${KUBECTL:=kubectl}"

crd_files() {
  local module_dir
  [[ -x ${GO_BIN} ]] || die "Go not found at ${GO_BIN} (set GO_BIN), which fetches the Gateway API ${GATEWAY_API_VERSION}'s CRDs; without Go, apply that version's standard-install.yaml from the Gateway API's release"
  # Outside any module, so that no go.mod around the working directory decides what is downloaded.
  module_dir=$(cd /tmp && GOTOOLCHAIN=local "${GO_BIN}" mod download -json "${GATEWAY_API_MODULE}@${GATEWAY_API_VERSION}" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  compgen -G "${module_dir}/${CRD_DIR}/*.yaml" >/dev/null ||
    die "${GATEWAY_API_MODULE}@${GATEWAY_API_VERSION} has no ${CRD_DIR}/*.yaml"
  printf '%s\n' "${module_dir}/${CRD_DIR}"/*.yaml
}

case "${1:-}" in
  path) crd_files ;;
  apply)
    shift
    files=$(crd_files)
    file_args=()
    while IFS= read -r file; do file_args+=(-f "${file}"); done <<<"${files}"
    "${KUBECTL}" "$@" apply --server-side --force-conflicts --field-manager migration-prerequisites "${file_args[@]}"
    ;;
  *)
    sed -n '/^# Usage:/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
