#!/usr/bin/env bash
# `npm run e2e`: the whole user journey against the real engine, on Docker with each ingress flavour (Traefik, then
# nginx), then on the local Kubernetes cluster (Traefik's CRD flavour, then the Gateway API flavour through the split,
# the weight steps and the rollback): deploy the platform and legacy stacks at the dev stage's starting weight, measure
# the split, advance and roll back under steady load, inject faults, decommission Flask, destroy. Figures go to
# reports/e2e.json; a missed bar fails the run.
#
# It uses stacks of its own (e2e-traefik, e2e-nginx; e2e-kubernetes-traefik and e2e-kubernetes-gateway, each in
# namespace migration-<stack>) on a file backend of its own and ports 18080/19090, so it never touches a developer's
# dev stack. Arguments go to vitest, e.g. `npm run e2e -- -t "on kubernetes"` for the cluster alone,
# `-t "docker through nginx"` for one flavour. Environment:
#   MIGRATION_E2E_BACKEND      backend directory (default $HOME/.pulumi-migration-e2e)
#   PULUMI_CONFIG_PASSPHRASE   passphrase of the e2e stacks (default "migration-e2e")
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

log "step 1/2: what a real deploy needs"
prepare_real_engine "$root"
log "the local cluster and the Pulumi Kubernetes provider (built once, then reused)"
"$root/scripts/toolchain/ensure-pulumi.sh" --with-kubernetes >/dev/null
# shellcheck source=scripts/toolchain/env.sh
source "$root/scripts/toolchain/env.sh"
"$root/scripts/cluster/cluster.sh" up
use_e2e_backend

log "step 2/2: the journey on Docker (Traefik, then nginx), then on Kubernetes (backend $PULUMI_BACKEND_URL)"
mkdir -p "$root/reports"
cd "$root"
exec vitest run --config vitest.e2e.config.mts --reporter=default --reporter=json --outputFile.json=reports/vitest-e2e.json "$@"
