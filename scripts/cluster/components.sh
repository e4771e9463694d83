# shellcheck shell=bash
# The control plane and the node, started in dependency order, each waited for before the next that needs it. Source it.

# Start order; stop goes the other way. The registry runs on the host side of the veth, everything else in the
# cluster's network namespace.
readonly CLUSTER_COMPONENTS=(registry containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

start_registry() {
  start_component registry host /usr/bin/docker-registry serve "${CONFIG_DIR}/registry.yaml"
  wait_until 30 "the registry at http://${REGISTRY_HOST}/v2/" curl -fsS "http://${REGISTRY_HOST}/v2/" ||
    fail_start registry "the registry does not answer on http://${REGISTRY_HOST}/v2/"
}

start_containerd() {
  mkdir -p "$(dirname "${CONTAINERD_SOCKET}")"
  # containerd finds its shim on PATH, where Debian's containerd 1.6 (installed with docker.io) has one that speaks an
  # older protocol: its own build goes first.
  PATH="$(dirname "$(containerd_bin containerd)"):${PATH}" \
    start_component containerd netns "$(containerd_bin containerd)" --config "${CONFIG_DIR}/containerd/config.toml"
  wait_until 30 "containerd's socket" cluster_ctr version ||
    fail_start containerd "containerd does not answer on ${CONTAINERD_SOCKET}"
}

start_etcd() {
  # Plain HTTP on the namespace's loopback: only the API server, in the same namespace, talks to it.
  start_component etcd netns "$(etcd_bin etcd)" --name "${NODE_NAME}" --data-dir "${MIGRATION_CLUSTER_STATE}/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster "${NODE_NAME}=http://127.0.0.1:2380" --listen-metrics-urls http://127.0.0.1:2381
  wait_until 60 "etcd" in_cluster_netns curl -fsS http://127.0.0.1:2381/health ||
    fail_start etcd "etcd is not healthy"
}

start_api_server() {
  start_component kube-apiserver netns "$(kubernetes_bin kube-apiserver)" \
    --advertise-address "${NODE_ADDRESS}" --secure-port "${API_SERVER_PORT}" \
    --etcd-servers http://127.0.0.1:2379 \
    --service-cluster-ip-range "${SERVICE_CIDR}" \
    --client-ca-file "${PKI_DIR}/ca.crt" \
    --tls-cert-file "${PKI_DIR}/apiserver.crt" --tls-private-key-file "${PKI_DIR}/apiserver.key" \
    --kubelet-client-certificate "${PKI_DIR}/apiserver-kubelet-client.crt" \
    --kubelet-client-key "${PKI_DIR}/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "${PKI_DIR}/ca.crt" \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer "https://kubernetes.default.svc.${CLUSTER_DOMAIN}" \
    --service-account-key-file "${PKI_DIR}/service-accounts.pub" \
    --service-account-signing-key-file "${PKI_DIR}/service-accounts.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true
  # The controller manager and the scheduler exit at once if started before RBAC is loaded: wait for /readyz.
  wait_until 120 "the API server's /readyz" cluster_kubectl get --raw /readyz ||
    fail_start kube-apiserver "the API server is not ready"
}

start_controllers() {
  start_component kube-controller-manager netns "$(kubernetes_bin kube-controller-manager)" \
    --kubeconfig "${CONFIG_DIR}/controller-manager.kubeconfig" \
    --authentication-kubeconfig "${CONFIG_DIR}/controller-manager.kubeconfig" \
    --authorization-kubeconfig "${CONFIG_DIR}/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
    --service-account-private-key-file "${PKI_DIR}/service-accounts.key" --root-ca-file "${PKI_DIR}/ca.crt" \
    --cluster-signing-cert-file "${PKI_DIR}/ca.crt" --cluster-signing-key-file "${PKI_DIR}/ca.key" \
    --service-cluster-ip-range "${SERVICE_CIDR}"
  start_component kube-scheduler netns "$(kubernetes_bin kube-scheduler)" \
    --kubeconfig "${CONFIG_DIR}/scheduler.kubeconfig" \
    --authentication-kubeconfig "${CONFIG_DIR}/scheduler.kubeconfig" \
    --authorization-kubeconfig "${CONFIG_DIR}/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false
}

start_node() {
  start_component kubelet netns "$(kubernetes_bin kubelet)" --config "${CONFIG_DIR}/kubelet.yaml" \
    --kubeconfig "${CONFIG_DIR}/kubelet.kubeconfig" --hostname-override "${NODE_NAME}" \
    --node-ip "${NODE_ADDRESS}" --root-dir "${MIGRATION_CLUSTER_STATE}/kubelet"
  start_component kube-proxy netns "$(kubernetes_bin kube-proxy)" --config "${CONFIG_DIR}/kube-proxy.yaml"
  wait_until 120 "node ${NODE_NAME} to be Ready" node_is_ready ||
    fail_start kubelet "node ${NODE_NAME} did not become Ready"
}

node_is_ready() {
  [[ $(cluster_kubectl get node "${NODE_NAME}" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

# cluster_ctr ARG...: containerd's own client on the cluster's socket, in the namespace Kubernetes uses.
cluster_ctr() {
  "$(containerd_bin ctr)" --address "${CONTAINERD_SOCKET}" --namespace k8s.io "$@"
}

all_components_running() {
  local name
  for name in "${CLUSTER_COMPONENTS[@]}"; do
    component_pid "${name}" >/dev/null || return 1
  done
}

stop_all_components() {
  local i
  if component_pid kubelet >/dev/null; then
    stop_component kubelet
  fi
  # After a crash or a kill, pods may still run under their shims with containerd gone: start containerd alone
  # (the namespace is still there) so that it stops them.
  if ! component_pid containerd >/dev/null && shims_running && network_is_up; then
    log_step "pods still run under shims without containerd: starting containerd to stop them"
    start_containerd
  fi
  remove_pod_sandboxes
  for ((i = ${#CLUSTER_COMPONENTS[@]} - 1; i >= 0; i--)); do
    stop_component "${CLUSTER_COMPONENTS[i]}"
  done
}

# The pods' containers run under shims that outlive containerd; a stop removes them through the CRI, as a drained
# node would (a start recreates them from the API server's state).
remove_pod_sandboxes() {
  component_pid containerd >/dev/null || return 0
  local sandboxes
  mapfile -t sandboxes < <(crictl_cmd pods -q 2>/dev/null)
  ((${#sandboxes[@]})) || return 0
  log_step "removing the pods' ${#sandboxes[@]} sandboxes (their containers stop)"
  crictl_cmd stopp "${sandboxes[@]}" >/dev/null 2>&1 || true
  crictl_cmd rmp -a -f >/dev/null 2>&1 || true
}

# shim_pids: the running shims of the cluster's containerd build (the pods' parents), found by their binary's path.
shim_pids() {
  local pid shim
  shim=$(containerd_bin containerd-shim-runc-v2)
  for pid in $(pgrep -f "^${shim} " || true); do
    [[ $(readlink "/proc/${pid}/exe" 2>/dev/null) == "${shim}" ]] && echo "${pid}"
  done
  return 0
}

shims_running() { [[ -n $(shim_pids) ]]; }

crictl_cmd() {
  "$(crictl_bin)" --runtime-endpoint "unix://${CONTAINERD_SOCKET}" --image-endpoint "unix://${CONTAINERD_SOCKET}" \
    --timeout 20s "$@"
}
