# shellcheck shell=bash
# `cluster.sh gateway`: a Gateway on the local cluster, in the part of the one a user's cluster already runs, for real
# runs of the Gateway API flavour of the platform's Kubernetes target (its HTTPRoutes attach to it). On demand, not
# part of the cluster's start: a cluster without it is what the other flavours run on. Applied server-side
# (idempotent; a second run changes nothing). Source it.

readonly GATEWAY_NAMESPACE=migration-gateway GATEWAY_NAME=migration GATEWAY_LISTENER=http
readonly GATEWAY_CLASS=migration-traefik
# Traefik's Gateway ClusterRole, under a name of this Gateway's (Traefik's file calls it gateway-role).
readonly GATEWAY_CLUSTER_ROLE=migration-gateway-traefik
# The Traefik Service's ClusterIP, pinned: Traefik writes it into the Gateway's status before the Service exists. In
# the lower sixteenth of SERVICE_CIDR, which the API server hands out only when the rest is taken (.1 is the API
# server's, .10 the cluster DNS's).
readonly GATEWAY_ADDRESS=10.96.0.11
readonly GATEWAY_TIMEOUT=120s

# gateway_traefik_image: the local image of the Traefik version the project builds, as build-images.sh names it.
gateway_traefik_image() {
  local version
  version=$(sed -n 's/^readonly DEFAULT_TRAEFIK_VERSION=//p' "${MIGRATION_REPO_ROOT}/scripts/docker/build-traefik-binary.sh")
  echo "migration/traefik:${version}"
}

# ensure_gateway_image IMAGE: IMAGE in the cluster's registry, pushed from Docker when the registry lacks it.
ensure_gateway_image() {
  local image=$1
  if curl -fs -o /dev/null "http://${REGISTRY_HOST}/v2/${image%:*}/manifests/${image##*:}" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json'; then
    return 0
  fi
  push_images "${image}"
}

# gateway_cluster_role: the ClusterRole of Traefik's kubernetes-gateway-rbac.yml, renamed. Its file also binds the
# role to a ServiceAccount default/traefik-controller, which this Gateway has not: the manifest binds its own.
gateway_cluster_role() {
  local crd_file rbac_file
  # traefik-crds.sh finds (downloading if needed) the module of the Traefik version the project builds; the RBAC
  # file lies beside its CRD file, in docs/content/reference/dynamic-configuration/.
  crd_file=$(bash "${MIGRATION_REPO_ROOT}/scripts/kubernetes/traefik-crds.sh" path)
  rbac_file="$(dirname "${crd_file}")/kubernetes-gateway-rbac.yml"
  [[ -f ${rbac_file} ]] || die "Traefik's module has no ${rbac_file}"
  cluster_kubectl create --dry-run=client -o json -f "${rbac_file}" |
    jq --arg name "${GATEWAY_CLUSTER_ROLE}" 'select(.kind == "ClusterRole") | .metadata.name = $name'
}

render_gateway_manifest() { # IMAGE: manifests/gateway.yaml with this file's values in place of its ${NAME}s
  (
    export GATEWAY_NAMESPACE GATEWAY_NAME GATEWAY_LISTENER GATEWAY_CLASS GATEWAY_CLUSTER_ROLE GATEWAY_ADDRESS
    GATEWAY_IMAGE=$(registry_image "$1")
    export GATEWAY_IMAGE
    # shellcheck disable=SC2016 # envsubst's list of the variables to replace, literally
    envsubst '${GATEWAY_NAMESPACE} ${GATEWAY_NAME} ${GATEWAY_LISTENER} ${GATEWAY_CLASS} ${GATEWAY_CLUSTER_ROLE} ${GATEWAY_ADDRESS} ${GATEWAY_IMAGE}' \
      <"${CLUSTER_SCRIPT_DIR}/manifests/gateway.yaml"
  )
}

# gateway_kubectl ARG...: the cluster's kubectl in the Gateway's namespace.
gateway_kubectl() { cluster_kubectl --namespace "${GATEWAY_NAMESPACE}" "$@"; }

# apply_gateway: the Gateway API's CRDs, Traefik as the Gateway's controller, the GatewayClass and the Gateway; waits
# until the Gateway is Programmed and prints the URL its routes answer at.
apply_gateway() {
  cluster_is_up || die "the cluster is not running: start it first (npm run cluster)"
  local image
  image=$(gateway_traefik_image)
  log_step "the Gateway API's CRDs (standard channel), as any cluster with a Gateway has them"
  KUBECTL=$(kubernetes_bin kubectl) bash "${MIGRATION_REPO_ROOT}/scripts/kubernetes/gateway-api-crds.sh" apply \
    --kubeconfig "${MIGRATION_KUBECONFIG}" >/dev/null
  # The next apply's kinds exist only once the API server serves them.
  cluster_kubectl wait --for=condition=Established --timeout=60s \
    crd/gatewayclasses.gateway.networking.k8s.io crd/gateways.gateway.networking.k8s.io >/dev/null
  ensure_gateway_image "${image}"
  log_step "Gateway ${GATEWAY_NAMESPACE}/${GATEWAY_NAME} (class ${GATEWAY_CLASS}, listener ${GATEWAY_LISTENER}), implemented by ${image}"
  {
    gateway_cluster_role
    echo "---"
    render_gateway_manifest "${image}"
  } | cluster_kubectl apply --server-side --force-conflicts --field-manager migration-cluster -f - >/dev/null
  # kubectl wait ignores a condition written for an older generation of the Gateway: a changed one waits for Traefik.
  if ! gateway_kubectl rollout status deployment/traefik --timeout="${GATEWAY_TIMEOUT}" >/dev/null ||
    ! gateway_kubectl wait --for=condition=Programmed=True --timeout="${GATEWAY_TIMEOUT}" \
      "gateway/${GATEWAY_NAME}" >/dev/null; then
    log_step "the Gateway is not Programmed; last lines of Traefik's log:"
    gateway_kubectl logs deployment/traefik --tail 20 >&2 || true
    die "Gateway ${GATEWAY_NAMESPACE}/${GATEWAY_NAME} not Programmed within ${GATEWAY_TIMEOUT} (npm run cluster -- kubectl -n ${GATEWAY_NAMESPACE} describe gateway ${GATEWAY_NAME})"
  fi
  local url
  url="http://$(gateway_kubectl get service traefik -o jsonpath='{.spec.clusterIP}')"
  log_step "Gateway Programmed: HTTPRoutes from any namespace attach with parentRefs [{name: ${GATEWAY_NAME}, namespace: ${GATEWAY_NAMESPACE}, sectionName: ${GATEWAY_LISTENER}}]; clients use ${url}"
  echo "${url}"
}
