# shellcheck shell=bash
# The cluster components' configuration files, rewritten on every start from lib.sh's settings (they hold no state).
# Each setting that departs from a component's default says why: most are what these machines need (cgroup v1, no
# CAP_SYS_RESOURCE, no host DNS, no systemd). Source it.

# The pod sandbox image: the static pause binary built by build.sh, imported into containerd (never pulled).
readonly PAUSE_IMAGE="localhost/migration/pause:${KUBERNETES_VERSION}"

# write_if_changed FILE: FILE gets stdin's content, but is left untouched when it has it already: kube-proxy exits
# when its configuration file changes under it, even to the same content.
write_if_changed() {
  local file=$1
  cat >"${file}.new"
  if cmp -s "${file}.new" "${file}"; then
    rm -f "${file}.new"
  else
    mv -f "${file}.new" "${file}"
  fi
}

write_containerd_config() {
  local dir="${CONFIG_DIR}/containerd"
  mkdir -p "${dir}/certs.d/${REGISTRY_HOST}" "${MIGRATION_CLUSTER_STATE}/containerd"
  # Its own sockets, root and state: dockerd attaches to /run/containerd/containerd.sock whenever that exists. No
  # imports: the machine's /etc/containerd/conf.d belongs to whatever else runs containerd here.
  write_if_changed "${dir}/config.toml" <<TOML
version = 3
root = "${MIGRATION_CLUSTER_STATE}/containerd"
state = "${MIGRATION_CLUSTER_RUN}/containerd/state"
imports = []

[grpc]
  address = "${CONTAINERD_SOCKET}"

[ttrpc]
  address = "${CONTAINERD_SOCKET}.ttrpc"

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "${PAUSE_IMAGE}"
  [plugins."io.containerd.cri.v1.images".registry]
    config_path = "${dir}/certs.d"

[plugins."io.containerd.cri.v1.runtime"]
  # These sandboxes lack CAP_SYS_RESOURCE: lowering a process's oom_score_adj is refused, and every pod sandbox
  # fails until containerd only ever raises it.
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["${CNI_BIN_DIR}"]
    conf_dir = "${CONFIG_DIR}/cni"

# No NRI plugins run here; its socket would otherwise be the machine-wide /var/run/nri/nri.sock.
[plugins."io.containerd.nri.v1.nri"]
  disable = true
TOML
  # The registry speaks plain HTTP on the host side of the veth (no TLS to set up for a loopback-like link).
  write_if_changed "${dir}/certs.d/${REGISTRY_HOST}/hosts.toml" <<TOML
server = "http://${REGISTRY_HOST}"

[host."http://${REGISTRY_HOST}"]
  capabilities = ["pull", "resolve"]
TOML
}

write_cni_config() {
  mkdir -p "${CONFIG_DIR}/cni" "${MIGRATION_CLUSTER_STATE}/cni"
  # One bridge for the node's pods, addresses from the node's pod range; traffic leaving the range is masqueraded
  # to the node address, so the host needs no route back to the pods.
  write_if_changed "${CONFIG_DIR}/cni/10-pods.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "migration-pods",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "${POD_CIDR}" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "${MIGRATION_CLUSTER_STATE}/cni"
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
}

write_kubelet_config() {
  # The host's resolv.conf names servers the cluster cannot reach; pods get the cluster DNS, and nothing upstream.
  printf '# The cluster is offline: no upstream name server.\noptions ndots:5\n' | write_if_changed "${CONFIG_DIR}/resolv.conf"
  write_if_changed "${CONFIG_DIR}/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: ${PKI_DIR}/ca.crt }
authorization: { mode: Webhook }
tlsCertFile: ${PKI_DIR}/kubelet-serving.crt
tlsPrivateKeyFile: ${PKI_DIR}/kubelet-serving.key
containerRuntimeEndpoint: unix://${CONTAINERD_SOCKET}
clusterDomain: ${CLUSTER_DOMAIN}
clusterDNS: [${CLUSTER_DNS_ADDRESS}]
resolvConf: ${CONFIG_DIR}/resolv.conf
podCIDR: ${POD_CIDR}
# These machines run cgroup v1 and no systemd; kubelet >= 1.35 refuses cgroup v1 unless told otherwise.
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
readOnlyPort: 0
podLogsDir: ${MIGRATION_CLUSTER_LOGS}/pods
serializeImagePulls: false
YAML
}

write_kube_proxy_config() {
  write_if_changed "${CONFIG_DIR}/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: ${CONFIG_DIR}/kube-proxy.kubeconfig }
hostnameOverride: ${NODE_NAME}
mode: iptables
clusterCIDR: ${POD_CIDR}
# Leave the kernel's conntrack table size and timeouts alone: they are the machine's, not the cluster's.
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
YAML
}

write_registry_config() {
  mkdir -p "${MIGRATION_CLUSTER_STATE}/registry"
  write_if_changed "${CONFIG_DIR}/registry.yaml" <<YAML
version: 0.1
log: { level: warn, formatter: text }
storage:
  filesystem: { rootdirectory: ${MIGRATION_CLUSTER_STATE}/registry }
  delete: { enabled: true }
http:
  addr: ${REGISTRY_HOST}
  headers: { X-Content-Type-Options: [nosniff] }
YAML
}

write_component_configs() {
  mkdir -p "${CONFIG_DIR}"
  write_containerd_config
  write_cni_config
  write_kubelet_config
  write_kube_proxy_config
  write_registry_config
}
