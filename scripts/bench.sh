#!/usr/bin/env bash
# `npm run bench [-- apps|ingress|control-plane ...]`: the apps, the ingress and the cutover's operations measured,
# written to reports/bench.json (test/bench/main.ts); every section unless some are named:
#   apps           Flask versus FastAPI, each straight to its container on the same core, at 1, 8 and 32 connections
#   ingress        straight to FastAPI versus through Traefik, then nginx, on Docker (pinned to cores), then through
#                  the Kubernetes target's Traefik on the local cluster (unpinned: its kubelet has no static CPU manager)
#   control-plane  rollback, a weight step, status, a refused preview and a gated advance, timed as a user types them
# Each section deploys stacks of its own (bench-apps; bench-traefik, bench-nginx, and bench-kubernetes-traefik in
# namespace migration-bench-kubernetes-traefik; bench-control-plane) on the e2e's file backend, and destroys them
# afterwards. The ingress section starts the local cluster as `npm run e2e` does; where it cannot run, the Kubernetes
# row says why it skipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

log "step 1/2: what a real deploy needs, and wrk"
apt_install wrk
prepare_real_engine "$root"
if [ "$#" -eq 0 ] || [[ " $* " == *" ingress "* ]]; then
  log "the local cluster and the Pulumi Kubernetes provider, for the ingress section's Kubernetes row (built once, then reused)"
  # shellcheck source=scripts/toolchain/env.sh
  if "$root/scripts/toolchain/ensure-pulumi.sh" --with-kubernetes >/dev/null && source "$root/scripts/toolchain/env.sh"; then
    "$root/scripts/cluster/cluster.sh" up || log "the local cluster did not start (above): the Kubernetes row will say why it skips or fails"
  else
    log "no Pulumi Kubernetes provider (above): the Kubernetes row will skip"
  fi
fi
use_e2e_backend

log "step 2/2: the sections (${*:-apps ingress control-plane})"
cd "$root"
exec tsx test/bench/main.ts "$@"
