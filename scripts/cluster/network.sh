# shellcheck shell=bash
# The cluster's network namespace. dockerd sets the host's FORWARD policy to DROP and owns 172.17.0.0/16; the cluster
# keeps its own iptables (kube-proxy's rules, the pod bridge) in a namespace of its own, joined to the host by one veth
# pair. The host reaches the API server at the node address and Services through a route for the service range; the
# namespace has no default route, so nothing leaves the machine. Source it.

network_is_up() {
  [[ -e ${CLUSTER_NETNS_PATH} ]] && ip link show "${HOST_VETH}" >/dev/null 2>&1 &&
    grep -q "inet ${NODE_ADDRESS}/" <<<"$(in_cluster_netns ip -4 addr show dev "${NODE_VETH}" 2>/dev/null)"
}

# The node and service ranges must be free on the host, or traffic for them would go elsewhere.
check_address_ranges_free() {
  local range used
  for range in "${HOST_ADDRESS}/${NODE_PREFIX}" "${SERVICE_CIDR}" "${POD_CIDR}"; do
    used=$(ip -4 route show to match "${range%/*}" | grep -v "dev ${HOST_VETH}" | grep -v '^default' || true)
    [[ -z ${used} ]] ||
      die "the cluster's address range ${range} is already routed on this host (${used}); free it, or change the ranges in ${CLUSTER_SCRIPT_DIR}/lib.sh"
  done
}

ensure_cluster_network() {
  if network_is_up; then
    ensure_service_route
    return 0
  fi
  remove_cluster_network
  check_address_ranges_free
  log_step "network: namespace ${CLUSTER_NETNS}, node ${NODE_ADDRESS}, host side ${HOST_ADDRESS}"
  ip netns add "${CLUSTER_NETNS}"
  ip link add "${HOST_VETH}" type veth peer name "${NODE_VETH}"
  ip link set "${NODE_VETH}" netns "${CLUSTER_NETNS}"
  ip addr add "${HOST_ADDRESS}/${NODE_PREFIX}" dev "${HOST_VETH}"
  ip link set "${HOST_VETH}" up
  in_cluster_netns ip addr add "${NODE_ADDRESS}/${NODE_PREFIX}" dev "${NODE_VETH}"
  in_cluster_netns ip link set "${NODE_VETH}" up
  in_cluster_netns ip link set lo up
  # Pods reach Services and one another through the node: forwarding on, bridged traffic through iptables (kube-proxy
  # needs both), and a FORWARD policy of the namespace's own, which dockerd does not touch.
  in_cluster_netns sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  in_cluster_netns iptables -P FORWARD ACCEPT
  ensure_service_route
}

ensure_service_route() {
  ip route replace "${SERVICE_CIDR}" via "${NODE_ADDRESS}" dev "${HOST_VETH}"
}

remove_cluster_network() {
  ip route del "${SERVICE_CIDR}" dev "${HOST_VETH}" 2>/dev/null || true
  ip link del "${HOST_VETH}" 2>/dev/null || true
  [[ -e ${CLUSTER_NETNS_PATH} ]] && ip netns del "${CLUSTER_NETNS}"
  return 0
}
