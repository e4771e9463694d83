# shellcheck shell=bash
# The cluster's certificates and kubeconfigs, made with openssl on the first start and kept in the state folder (a
# reset removes them). One CA signs every certificate: TLS of the API server and of the kubelet, and the client
# certificates whose CN/O Kubernetes reads as user and groups (RBAC binds system:kube-scheduler,
# system:kube-controller-manager, system:kube-proxy and system:node:<name> out of the box). Source it.

# issue_certificate NAME CN ORGANISATION SUBJECT_ALT_NAMES: NAME.key and NAME.crt signed by the CA, valid 10 years.
# SUBJECT_ALT_NAMES is empty for a client certificate.
issue_certificate() {
  local name=$1 cn=$2 org=$3 sans=$4
  local extensions="${PKI_DIR}/${name}.ext"
  [[ -s ${PKI_DIR}/${name}.crt ]] && return 0
  openssl ecparam -name prime256v1 -genkey -noout -out "${PKI_DIR}/${name}.key" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n ${sans} ]]; then
      echo "extendedKeyUsage=serverAuth"
      echo "subjectAltName=${sans}"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"${extensions}"
  openssl req -new -key "${PKI_DIR}/${name}.key" -subj "/CN=${cn}${org:+/O=${org}}" 2>/dev/null |
    openssl x509 -req -CA "${PKI_DIR}/ca.crt" -CAkey "${PKI_DIR}/ca.key" -CAcreateserial -days 3650 \
      -extfile "${extensions}" -out "${PKI_DIR}/${name}.crt" 2>/dev/null
  rm -f "${extensions}"
}

# write_kubeconfig FILE USER CERTIFICATE: a kubeconfig for the API server at the node address, with the CA and the
# client certificate embedded (so the admin's file can be copied elsewhere on this machine).
write_kubeconfig() {
  local file=$1 user=$2 cert=$3
  cat >"${file}.partial" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: migration-local
    cluster:
      server: ${API_SERVER_URL}
      certificate-authority-data: $(base64 -w0 "${PKI_DIR}/ca.crt")
users:
  - name: ${user}
    user:
      client-certificate-data: $(base64 -w0 "${PKI_DIR}/${cert}.crt")
      client-key-data: $(base64 -w0 "${PKI_DIR}/${cert}.key")
contexts:
  - name: migration-local
    context: { cluster: migration-local, user: ${user} }
current-context: migration-local
KUBECONFIG
  chmod 600 "${file}.partial"
  mv -f "${file}.partial" "${file}"
}

ensure_certificates() {
  mkdir -p "${PKI_DIR}"
  chmod 700 "${PKI_DIR}"
  if [[ ! -s ${PKI_DIR}/ca.crt ]]; then
    log_step "certificates: a new cluster CA and certificates in ${PKI_DIR}"
    openssl ecparam -name prime256v1 -genkey -noout -out "${PKI_DIR}/ca.key" 2>/dev/null
    openssl req -x509 -new -key "${PKI_DIR}/ca.key" -subj "/CN=migration-cluster-ca" -days 3650 \
      -addext "keyUsage=critical,keyCertSign,cRLSign" -out "${PKI_DIR}/ca.crt" 2>/dev/null
  fi
  local api_sans="IP:${NODE_ADDRESS},IP:${KUBERNETES_SERVICE_ADDRESS},IP:127.0.0.1,DNS:localhost,DNS:kubernetes"
  api_sans+=",DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.${CLUSTER_DOMAIN}"
  issue_certificate apiserver kube-apiserver "" "${api_sans}"
  issue_certificate apiserver-kubelet-client kube-apiserver-kubelet-client system:masters ""
  issue_certificate admin migration-admin system:masters ""
  issue_certificate controller-manager system:kube-controller-manager "" ""
  issue_certificate scheduler system:kube-scheduler "" ""
  issue_certificate kubelet "system:node:${NODE_NAME}" system:nodes ""
  issue_certificate kubelet-serving "${NODE_NAME}" "" "IP:${NODE_ADDRESS},DNS:${NODE_NAME}"
  issue_certificate kube-proxy system:kube-proxy "" ""
  # The key that signs service account tokens (and its public half, which verifies them).
  if [[ ! -s ${PKI_DIR}/service-accounts.key ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out "${PKI_DIR}/service-accounts.key" 2>/dev/null
    openssl ec -in "${PKI_DIR}/service-accounts.key" -pubout -out "${PKI_DIR}/service-accounts.pub" 2>/dev/null
  fi
  mkdir -p "${CONFIG_DIR}"
  write_kubeconfig "${CONFIG_DIR}/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  write_kubeconfig "${CONFIG_DIR}/scheduler.kubeconfig" system:kube-scheduler scheduler
  write_kubeconfig "${CONFIG_DIR}/kubelet.kubeconfig" "system:node:${NODE_NAME}" kubelet
  write_kubeconfig "${CONFIG_DIR}/kube-proxy.kubeconfig" system:kube-proxy kube-proxy
  write_kubeconfig "${MIGRATION_KUBECONFIG}" migration-admin admin
}
