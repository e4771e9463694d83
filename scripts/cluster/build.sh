#!/usr/bin/env bash
# Builds every binary the local cluster runs, from the Go module proxy, into $MIGRATION_CLUSTER_CACHE keyed by
# version; what is cached already is skipped, so a warm call returns in well under a second. One `go build` at a time
# (these machines have 2 cores; the Kubernetes commands share most of their compiled packages through Go's build
# cache). runc is Debian's (docker.io installs it).
#
# Usage: build.sh [--cached-only]   (npm run cluster calls it; progress on stderr)
#   --cached-only   build nothing: list the binaries that are not cached yet and fail if there are any
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# use_published_modules VERSION SOURCE_TREE: a module whose go.mod replaces its sibling modules with relative paths
# (`k8s.io/api => ./staging/src/k8s.io/api`, `go.etcd.io/etcd/api/v3 => ../api`) cannot build from its zip, which has
# no siblings: point each such replace at the sibling's published release of VERSION instead, and record their sums.
use_published_modules() {
  local version=$1 tree=$2 module
  for module in $(cd "${tree}" && "${GO_BIN}" mod edit -json | jq -r '.Replace[]? | select(.New.Path | startswith(".")) | .Old.Path'); do
    (cd "${tree}" && "${GO_BIN}" mod edit -replace "${module}=${module}@${version}")
  done
  # A workspace or vendor folder would name the siblings again; the module cache serves the published ones.
  rm -rf "${tree}/vendor" "${tree}/go.work" "${tree}/go.work.sum"
}
# The builds of such a module record the published siblings' sums in its go.sum as they go.
readonly GOFLAGS_RECORDING_SUMS="-mod=mod -buildvcs=false"
kubernetes_staging_modules() { use_published_modules "${KUBERNETES_STAGING_VERSION}" "$1"; }
etcd_sibling_modules() { use_published_modules "${ETCD_VERSION}" "$1"; }

build_kubernetes() {
  # The version the components report (kubelet registers it, kubectl prints it) is stamped as the release build does.
  local v=k8s.io/component-base/version minor=${KUBERNETES_VERSION#v1.}
  minor=${minor%%.*}
  GOFLAGS=${GOFLAGS_RECORDING_SUMS} go_build_from_proxy k8s.io/kubernetes "${KUBERNETES_VERSION}" "${MIGRATION_CLUSTER_CACHE}/kubernetes" \
    kubernetes_staging_modules "" \
    "-s -w -X ${v}.gitVersion=${KUBERNETES_VERSION} -X ${v}.gitMajor=1 -X ${v}.gitMinor=${minor} -X ${v}.gitTreeState=clean" \
    kube-apiserver=cmd/kube-apiserver kube-controller-manager=cmd/kube-controller-manager \
    kube-scheduler=cmd/kube-scheduler kubelet=cmd/kubelet kube-proxy=cmd/kube-proxy kubectl=cmd/kubectl
}

build_etcd() {
  GOFLAGS=${GOFLAGS_RECORDING_SUMS} go_build_from_proxy go.etcd.io/etcd/server/v3 "${ETCD_VERSION}" "${MIGRATION_CLUSTER_CACHE}/etcd" \
    etcd_sibling_modules "" "-s -w" etcd=.
}

build_containerd() {
  # As containerd's own release build: the shim without the gRPC server (it speaks ttrpc), no btrfs (needs cgo).
  local cache="${MIGRATION_CLUSTER_CACHE}/containerd"
  go_build_from_proxy github.com/containerd/containerd/v2 "${CONTAINERD_VERSION}" "${cache}" : \
    "no_btrfs urfave_cli_no_docs" "-s -w -X github.com/containerd/containerd/v2/version.Version=${CONTAINERD_VERSION}" \
    containerd=cmd/containerd ctr=cmd/ctr
  go_build_from_proxy github.com/containerd/containerd/v2 "${CONTAINERD_VERSION}" "${cache}" : \
    "no_grpc urfave_cli_no_docs" "-s -w -X github.com/containerd/containerd/v2/version.Version=${CONTAINERD_VERSION}" \
    containerd-shim-runc-v2=cmd/containerd-shim-runc-v2
}

build_cni_plugins() {
  go_build_from_proxy github.com/containernetworking/plugins "${CNI_PLUGINS_VERSION}" \
    "${MIGRATION_CLUSTER_CACHE}/cni-plugins" : "" "-s -w" \
    bridge=plugins/main/bridge loopback=plugins/main/loopback host-local=plugins/ipam/host-local portmap=plugins/meta/portmap
}

build_crictl() {
  go_build_from_proxy sigs.k8s.io/cri-tools "${CRI_TOOLS_VERSION}" "${MIGRATION_CLUSTER_CACHE}/cri-tools" : "" \
    "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=${CRI_TOOLS_VERSION}" crictl=cmd/crictl
}

build_coredns() {
  go_build_from_proxy github.com/coredns/coredns "${COREDNS_VERSION}" "${MIGRATION_CLUSTER_CACHE}/coredns" : "" \
    "-s -w" coredns=.
}

# The pod sandbox's `pause` process, from the C source Kubernetes ships (build/pause/linux/pause.c): static, so the
# image is this one file.
build_pause() {
  [[ -x ${PAUSE_BIN} ]] && return 0
  apt_install gcc libc6-dev
  local source
  source=$(cd /tmp && "${GO_BIN}" mod download -json "k8s.io/kubernetes@${KUBERNETES_VERSION}" | jq -r .Dir)/build/pause/linux/pause.c
  mkdir -p "$(dirname "${PAUSE_BIN}")"
  gcc -Os -static -DVERSION="${KUBERNETES_VERSION}" -o "${PAUSE_BIN}.partial" "${source}"
  mv -f "${PAUSE_BIN}.partial" "${PAUSE_BIN}"
}

# timed_build STEP: runs build_STEP; when it built something (it took more than a second) its seconds are recorded in
# the cache's build-times.tsv, which `cluster.sh report` reads: the cold figures are measured once, when they happen.
timed_build() {
  local step=$1 started=${SECONDS}
  "build_${step}"
  if ((SECONDS - started > 1)); then
    printf '%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "${step}" "$((SECONDS - started))" >>"${BUILD_TIMES}"
  fi
}

main() {
  local started=${SECONDS} step steps=(kubernetes etcd containerd cni_plugins crictl coredns pause) missing
  if [[ ${1:-} == --cached-only ]]; then
    missing=$(cluster_binaries | while read -r binary; do [[ -x ${binary} ]] || echo "${binary}"; done)
    [[ -z ${missing} ]] || { echo "not built yet:" >&2 && echo "${missing}" >&2 && return 1; }
    return 0
  fi
  apt_install jq
  mkdir -p "${MIGRATION_CLUSTER_CACHE}"
  for step in "${steps[@]}"; do
    timed_build "${step}"
  done
  log_step "cluster binaries ready in $((SECONDS - started)) s (cache: ${MIGRATION_CLUSTER_CACHE})"
}

main "$@"
