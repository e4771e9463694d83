# shellcheck shell=bash
# What a node needs beyond its processes: the cluster DNS, storage for claims, and the cluster-wide prerequisites of the
# platform's Kubernetes target (Traefik's CRDs). Applied server-side (idempotent; a second start changes nothing).
# Source it.

readonly STORAGE_CLASS=local-hostpath
# Host-path volumes made ready for claims; a Retained volume keeps its data and is not offered again.
readonly LOCAL_VOLUME_COUNT=8 LOCAL_VOLUME_SIZE=10Gi

render_manifest() { # FILE: the manifest with lib.sh's values in place of its ${NAME}s
  (
    export COREDNS_IMAGE CLUSTER_DOMAIN CLUSTER_DNS_ADDRESS STORAGE_CLASS
    # shellcheck disable=SC2016 # envsubst's list of the variables to replace, literally
    envsubst '${COREDNS_IMAGE} ${CLUSTER_DOMAIN} ${CLUSTER_DNS_ADDRESS} ${STORAGE_CLASS}' <"$1"
  )
}

# local_volumes: one PersistentVolume per folder under the state's volumes/. World-writable folders: a database
# image running as its own user creates its data folder inside, as on a provisioned volume.
local_volumes() {
  local i name path
  for ((i = 1; i <= LOCAL_VOLUME_COUNT; i++)); do
    name=$(printf 'local-volume-%02d' "${i}")
    path="${MIGRATION_CLUSTER_STATE}/volumes/${name}"
    mkdir -p "${path}"
    chmod 0777 "${path}"
    cat <<YAML
---
apiVersion: v1
kind: PersistentVolume
metadata: { name: ${name}, labels: { migration.local/volume: "true" } }
spec:
  storageClassName: ${STORAGE_CLASS}
  capacity: { storage: ${LOCAL_VOLUME_SIZE} }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: { path: ${path}, type: Directory }
YAML
  done
}

apply_addons() {
  log_step "cluster DNS (CoreDNS ${COREDNS_VERSION}) and storage (${LOCAL_VOLUME_COUNT} host-path volumes)"
  ensure_coredns_image
  {
    render_manifest "${CLUSTER_SCRIPT_DIR}/manifests/coredns.yaml"
    echo "---"
    render_manifest "${CLUSTER_SCRIPT_DIR}/manifests/storage.yaml"
    local_volumes
  } | cluster_kubectl apply --server-side --force-conflicts --field-manager migration-cluster -f - >/dev/null
  log_step "Traefik's CRDs (the platform's routing objects), as any cluster needs them once"
  KUBECTL=$(kubernetes_bin kubectl) bash "${CLUSTER_SCRIPT_DIR}/../kubernetes/traefik-crds.sh" apply \
    --kubeconfig "${MIGRATION_KUBECONFIG}" >/dev/null
  # CoreDNS is a pod, not a component with a log of its own here: its log is the pod's.
  wait_until 120 "the cluster DNS to answer" dns_answers ||
    die "the cluster DNS does not answer at ${CLUSTER_DNS_ADDRESS} (npm run cluster -- kubectl -n kube-system logs deploy/coredns)"
}

# dns_answers: the cluster DNS resolves the API server's Service name, asked from the host through the service route.
dns_answers() {
  [[ $(dig +short +time=1 +tries=1 "@${CLUSTER_DNS_ADDRESS}" "kubernetes.default.svc.${CLUSTER_DOMAIN}") == \
    "${KUBERNETES_SERVICE_ADDRESS}" ]]
}

# free_volume NAME: a Released volume (its claim deleted, its data kept) wiped and made Available again. Refused for a
# volume still bound to a claim.
free_volume() {
  local name=${1:?usage: free-volume NAME (npm run cluster -- kubectl get pv lists them)} phase path
  phase=$(cluster_kubectl get pv "${name}" -o jsonpath='{.status.phase}') || die "no volume ${name} (npm run cluster -- kubectl get pv)"
  [[ ${phase} == Released || ${phase} == Available ]] ||
    die "volume ${name} is ${phase}: only a Released volume (its claim deleted) can be freed"
  path=$(cluster_kubectl get pv "${name}" -o jsonpath='{.spec.hostPath.path}')
  [[ ${path} == "${MIGRATION_CLUSTER_STATE}/volumes/"* ]] || die "volume ${name} is not one of the cluster's host-path volumes"
  find "${path}" -mindepth 1 -delete
  # As made (local_volumes): the last claim's workload may have taken the folder for its own user (PostgreSQL does).
  chown root:root "${path}"
  chmod 0777 "${path}"
  cluster_kubectl patch pv "${name}" --type json -p '[{"op": "remove", "path": "/spec/claimRef"}]' >/dev/null 2>&1 || true
  log_step "volume ${name}: data wiped, Available to new claims"
}
