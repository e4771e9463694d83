#!/usr/bin/env bash
# `npm run cluster [-- COMMAND]`: a real single-node Kubernetes on this machine, offline, for the Kubernetes target and
# its tests. It is the air-gapped path; on a normal machine use any conformant cluster (kind, k3d, minikube, EKS, GKE,
# AKS) through a kubeconfig. See docs/kubernetes-cluster.md.
#
# Usage: cluster.sh [up|stop|status|reset|push-images [IMAGE...]|kubectl ARG...|free-volume NAME|gateway|report|clean-cache [--go]]
#   up            (default) build what is missing, start what is not running, wait until the node is Ready and the
#                 cluster DNS answers, write the kubeconfig. When the cluster runs already it returns in seconds.
#   stop          stop what `up` started, by pid file, the pods first (the state stays; `up` brings it back)
#   status        each component: running or not, its pid and log; the node; the registry; the kubeconfig
#   reset         stop, then wipe the cluster's state (etcd, certificates, containerd's images, volumes, registry)
#   push-images   push local images (default: every migration/* image) to the cluster's registry
#   kubectl       the cluster's kubectl with its admin kubeconfig
#   free-volume NAME   wipe a Released volume's data and offer it to new claims again (volumes are Retained: a
#                 deleted claim's data stays on disk until this is run)
#   gateway       run a Gateway (Traefik, Gateway API) that HTTPRoutes from any namespace attach to; prints its URL
#   report        measure the cluster's build and start times, disk and memory into reports/cluster.json
#   clean-cache   remove the built binaries (and, with --go, Go's module and build caches, shared with other builds)
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for part in processes network pki configs components images addons gateway report; do
  # shellcheck source=/dev/null
  source "${CLUSTER_SCRIPT_DIR}/${part}.sh"
done

# fail_start COMPONENT WHAT: the start cannot finish because of COMPONENT; shows the end of its log and exits (the
# trap set by command_up stops everything).
fail_start() {
  local component=$1 what=$2
  log_step "${what}; last lines of $(component_log "${component}"):"
  tail -n 15 "$(component_log "${component}")" >&2 2>/dev/null || true
  die "${what} (log: $(component_log "${component}"))"
}

# abandon_start: a start that does not finish, whatever stopped it, stops every component, so nothing is left
# half-running, and says what to do in one line.
abandon_start() {
  local status=$?
  ((status != 0)) || return 0
  stop_all_components >/dev/null 2>&1 || true
  remove_cluster_network
  log "cluster start failed (see the line above); everything it started is stopped. Fix that and rerun \`npm run cluster\`, or \`npm run cluster -- reset\` to start from a clean state."
}

preflight() {
  [[ ${EUID} -eq 0 ]] || die "the cluster command must run as root (it creates a network namespace and runs the kubelet)"
  local tool missing=()
  for tool in nsenter ip iptables openssl curl jq dig envsubst runc docker /usr/bin/docker-registry; do
    command -v "${tool}" >/dev/null 2>&1 || missing+=("${tool}")
  done
  if ((${#missing[@]})); then
    log_step "installing the tools the cluster needs (missing: ${missing[*]})"
    apt_install iproute2 iptables openssl curl jq bind9-dnsutils gettext-base runc docker-registry util-linux
  fi
  if ! component_pid registry >/dev/null; then
    local holder
    holder=$(ss -Hltnp "( sport = :${REGISTRY_PORT} )" 2>/dev/null | grep -E "(\*|0\.0\.0\.0|\[::\]|${HOST_ADDRESS}):${REGISTRY_PORT}" || true)
    [[ -z ${holder} ]] ||
      die "port ${REGISTRY_PORT} is taken (${holder//$'\n'/; }), and the cluster's registry needs it on ${HOST_ADDRESS}: stop that process, or change REGISTRY_PORT in ${CLUSTER_SCRIPT_DIR}/addresses.sh"
  fi
}

cluster_is_up() {
  network_is_up && all_components_running && node_is_ready && dns_answers
}

# record_start KIND STARTED: appends this start's seconds to START_TIMES (read by `report`).
record_start() {
  mkdir -p "${MIGRATION_CLUSTER_LOGS}"
  printf '%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$1" "$((SECONDS - $2))" >>"${START_TIMES}"
}

command_up() {
  local started=${SECONDS} kind=restart
  preflight
  if cluster_is_up; then
    log_step "the cluster is running (node ${NODE_NAME} Ready, DNS answers); kubeconfig: ${MIGRATION_KUBECONFIG}"
    record_start already-running "${started}"
    return 0
  fi
  trap abandon_start EXIT
  [[ -d ${MIGRATION_CLUSTER_STATE}/etcd ]] || kind=new-cluster
  "${CLUSTER_SCRIPT_DIR}/build.sh" --cached-only 2>/dev/null || kind+="+build"
  log_step "step 1/4: binaries (built once into ${MIGRATION_CLUSTER_CACHE})"
  "${CLUSTER_SCRIPT_DIR}/build.sh"
  "${MIGRATION_REPO_ROOT}/scripts/docker/ensure-engine.sh"
  log_step "step 2/4: network, certificates, configuration"
  ensure_cluster_network
  ensure_certificates
  write_component_configs
  log_step "step 3/4: registry, containerd, etcd, control plane, node"
  start_registry
  start_containerd
  ensure_pause_image
  start_etcd
  start_api_server
  start_controllers
  start_node
  log_step "step 4/4: add-ons"
  apply_addons
  trap - EXIT
  record_start "${kind}" "${started}"
  log_step "cluster ready in $((SECONDS - started)) s: node ${NODE_NAME} (Kubernetes ${KUBERNETES_VERSION}), API ${API_SERVER_URL}, registry ${REGISTRY_HOST}"
  log_step "use: export KUBECONFIG=${MIGRATION_KUBECONFIG}; npm run cluster -- kubectl get pods -A"
}

command_stop() {
  stop_all_components
  remove_cluster_network
  log_step "cluster stopped (state kept in ${MIGRATION_CLUSTER_STATE}; \`npm run cluster\` starts it again)"
}

command_status() {
  local name state pid
  printf '%-24s %-8s %-8s %s\n' COMPONENT STATE PID LOG
  for name in "${CLUSTER_COMPONENTS[@]}"; do
    state=$(component_state "${name}")
    pid=$(component_pid "${name}" || echo -)
    printf '%-24s %-8s %-8s %s\n' "${name}" "${state}" "${pid}" "$(component_log "${name}")"
  done
  if network_is_up; then echo "network:    namespace ${CLUSTER_NETNS}, node ${NODE_ADDRESS}"; else echo "network:    down"; fi
  if all_components_running && node_is_ready; then
    echo "node:       ${NODE_NAME} Ready"
  else
    echo "node:       not Ready"
  fi
  if dns_answers 2>/dev/null; then echo "DNS:        answers at ${CLUSTER_DNS_ADDRESS}"; else echo "DNS:        no answer"; fi
  echo "registry:   http://${REGISTRY_HOST}"
  echo "kubeconfig: ${MIGRATION_KUBECONFIG}"
  echo "state:      ${MIGRATION_CLUSTER_STATE} ($(du -sh "${MIGRATION_CLUSTER_STATE}" 2>/dev/null | cut -f1 || echo empty))"
}

command_reset() {
  stop_all_components
  # containerd's snapshots and the kubelet's volumes may still be mounted; unmount (deepest first) before removing.
  local mounts
  mounts=$(awk -v state="${MIGRATION_CLUSTER_STATE}/" -v run="${MIGRATION_CLUSTER_RUN}/" \
    'index($2, state) == 1 || index($2, run) == 1 { print $2 }' /proc/mounts | sort -r)
  [[ -z ${mounts} ]] || xargs -r -n1 umount -l <<<"${mounts}"
  remove_cluster_network
  rm -rf "${MIGRATION_CLUSTER_STATE}" "${MIGRATION_CLUSTER_RUN}"
  log_step "cluster state wiped (${MIGRATION_CLUSTER_STATE}); \`npm run cluster\` creates a new cluster (binaries stay cached)"
}

command_push_images() {
  component_pid registry >/dev/null || die "the cluster's registry is not running: start the cluster first (npm run cluster)"
  local images=("$@")
  ((${#images[@]})) || mapfile -t images < <(project_images)
  push_images "${images[@]}"
}

command_clean_cache() {
  all_components_running && die "the cluster is running from these binaries: stop it first (npm run cluster -- stop)"
  log_step "removing ${MIGRATION_CLUSTER_CACHE} ($(du -sh "${MIGRATION_CLUSTER_CACHE}" 2>/dev/null | cut -f1))"
  rm -rf "${MIGRATION_CLUSTER_CACHE}"
  if [[ ${1:-} == --go ]]; then
    log_step "removing Go's build and module caches (every Go build on this machine starts cold after this)"
    "${GO_BIN}" clean -cache -modcache
  fi
}

main() {
  local command=${1:-up}
  (($#)) && shift
  case "${command}" in
    up) command_up ;;
    stop) command_stop ;;
    status) command_status ;;
    reset) command_reset ;;
    push-images) command_push_images "$@" ;;
    kubectl) cluster_kubectl "$@" ;;
    free-volume) free_volume "$@" ;;
    gateway) apply_gateway ;;
    report) command_report ;;
    clean-cache) command_clean_cache "$@" ;;
    *)
      sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
