# shellcheck shell=bash disable=SC2034 # variables here are used by the scripts that source this file
# The local cluster's addresses. Sourced by scripts/cluster/lib.sh and by scripts/docker/ensure-engine.sh (dockerd
# must trust the cluster's registry over plain HTTP); only assignments, so sourcing it twice is harmless.

# Every cluster process runs in this network namespace. A veth pair joins it to the host: the host side carries the
# registry (the cluster's loopback is not the host's), the node side is the node's InternalIP and the API server's
# address. Nothing routes out of it: the cluster is offline, as the machine is.
CLUSTER_NETNS=migration-k8s
CLUSTER_NETNS_PATH=/run/netns/${CLUSTER_NETNS}
HOST_VETH=mk8s-host NODE_VETH=mk8s-node
HOST_ADDRESS=10.250.0.254 NODE_ADDRESS=10.250.0.1 NODE_PREFIX=24
POD_CIDR=10.244.0.0/24 SERVICE_CIDR=10.96.0.0/24
# The first address of the service range is the API server's Service; the tenth, by convention, the cluster DNS.
KUBERNETES_SERVICE_ADDRESS=10.96.0.1 CLUSTER_DNS_ADDRESS=10.96.0.10
CLUSTER_DOMAIN=cluster.local
NODE_NAME=migration-node
API_SERVER_PORT=6443
API_SERVER_URL="https://${NODE_ADDRESS}:${API_SERVER_PORT}"

# The registry images reach the cluster from (Debian's docker-registry, distribution 2.8), on the host side of the
# veth. dockerd trusts it over plain HTTP because ensure-engine.sh starts it with --insecure-registry for this address.
REGISTRY_PORT=5000
REGISTRY_HOST="${HOST_ADDRESS}:${REGISTRY_PORT}"

