# shellcheck shell=bash disable=SC2034 # variables here are used by the scripts that source this file
# Shared by the scripts in scripts/cluster/: the pinned versions, where the cluster's binaries, state, logs and pid
# files live, and its network. Source it; do not execute it.
#
# The cluster is the air-gapped path to a real Kubernetes: every binary is built from the Go module proxy (Docker Hub,
# GitHub releases and dl.k8s.io are unreachable here) and every process runs inside a network namespace of its own,
# away from the Docker engine's iptables. On a normal machine, use any conformant cluster through a kubeconfig.

# shellcheck source=scripts/docker/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/docker/lib.sh"

# --- Versions (each built and run on these machines; see docs/kubernetes-cluster.md) --------------------------------
readonly KUBERNETES_VERSION=v1.37.2
# The staging modules (k8s.io/api, client-go, ...) are published as v0.<minor>.<patch> of the same release.
readonly KUBERNETES_STAGING_VERSION=v0.37.2
readonly ETCD_VERSION=v3.7.3
readonly CONTAINERD_VERSION=v2.4.2
readonly CNI_PLUGINS_VERSION=v1.10.0
readonly CRI_TOOLS_VERSION=v1.37.0
# The CoreDNS release Kubernetes v1.37 pins (cmd/kubeadm/app/constants).
readonly COREDNS_VERSION=v1.14.6

# --- Where things live -----------------------------------------------------------------------------------------------
# Binaries, built once and kept across clones (keyed by version, as the images and the Pulumi toolchain are).
: "${MIGRATION_CLUSTER_CACHE:=/var/cache/migration-cluster}"
# The cluster's state: certificates, etcd's data, containerd's root, the kubelet's root, the volumes, the registry.
: "${MIGRATION_CLUSTER_STATE:=/var/lib/migration-cluster}"
# Pid files, sockets and containerd's state: gone after a reboot, as the processes are.
: "${MIGRATION_CLUSTER_RUN:=/run/migration-cluster}"
: "${MIGRATION_CLUSTER_LOGS:=/var/log/migration-cluster}"
# The kubeconfig the cluster command writes (cluster-admin, for users, kubectl and Pulumi).
: "${MIGRATION_KUBECONFIG:=${MIGRATION_CLUSTER_STATE}/admin.kubeconfig}"

CLUSTER_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PKI_DIR="${MIGRATION_CLUSTER_STATE}/pki"
CONFIG_DIR="${MIGRATION_CLUSTER_STATE}/config"
CONTAINERD_SOCKET="${MIGRATION_CLUSTER_RUN}/containerd/containerd.sock"

kubernetes_bin() { echo "${MIGRATION_CLUSTER_CACHE}/kubernetes/bin/${KUBERNETES_VERSION}/$1"; }
etcd_bin() { echo "${MIGRATION_CLUSTER_CACHE}/etcd/bin/${ETCD_VERSION}/$1"; }
containerd_bin() { echo "${MIGRATION_CLUSTER_CACHE}/containerd/bin/${CONTAINERD_VERSION}/$1"; }
CNI_BIN_DIR="${MIGRATION_CLUSTER_CACHE}/cni-plugins/bin/${CNI_PLUGINS_VERSION}"
crictl_bin() { echo "${MIGRATION_CLUSTER_CACHE}/cri-tools/bin/${CRI_TOOLS_VERSION}/crictl"; }
coredns_bin() { echo "${MIGRATION_CLUSTER_CACHE}/coredns/bin/${COREDNS_VERSION}/coredns"; }
PAUSE_BIN="${MIGRATION_CLUSTER_CACHE}/pause/${KUBERNETES_VERSION}/pause"
# Seconds each cold build took (build.sh) and each start took (cluster.sh up), for `cluster.sh report`.
BUILD_TIMES="${MIGRATION_CLUSTER_CACHE}/build-times.tsv"
START_TIMES="${MIGRATION_CLUSTER_LOGS}/start-times.tsv"

# cluster_binaries: every binary build.sh provides, one path per line.
cluster_binaries() {
  local name
  for name in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do kubernetes_bin "${name}"; done
  etcd_bin etcd
  for name in containerd ctr containerd-shim-runc-v2; do containerd_bin "${name}"; done
  for name in bridge loopback host-local portmap; do echo "${CNI_BIN_DIR}/${name}"; done
  crictl_bin
  coredns_bin
  echo "${PAUSE_BIN}"
}

# --- Network (shared with scripts/docker/ensure-engine.sh, which tells dockerd the registry's address) -----------------
# shellcheck source=scripts/cluster/addresses.sh
source "${CLUSTER_SCRIPT_DIR}/addresses.sh"

# in_cluster_netns COMMAND...: runs COMMAND in the cluster's network namespace. nsenter, not `ip netns exec`: the
# latter remounts /sys, and runc then finds no cgroup mount.
in_cluster_netns() {
  nsenter --net="${CLUSTER_NETNS_PATH}" -- "$@"
}

# cluster_kubectl ARG...: the cluster's kubectl as its admin.
cluster_kubectl() {
  "$(kubernetes_bin kubectl)" --kubeconfig "${MIGRATION_KUBECONFIG}" "$@"
}
