#!/usr/bin/env bash
# `npm run e2e`: the whole user journey against the real engine, for each ingress flavour (Traefik, then nginx):
# deploy the platform and legacy stacks at the dev stage's starting weight, measure the split, advance and roll back
# under steady load, decommission Flask, destroy. Figures go to reports/e2e.json; a missed bar fails the run.
#
# It uses stacks of its own (e2e-traefik, e2e-nginx) on a file backend of its own and ports 18080/19090, so it never
# touches a developer's dev stack. Arguments go to vitest, e.g. `npm run e2e -- -t traefik` for one flavour. Environment:
#   MIGRATION_E2E_BACKEND      backend directory (default $HOME/.pulumi-migration-e2e)
#   PULUMI_CONFIG_PASSPHRASE   passphrase of the e2e stacks (default "migration-e2e")
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

log "step 1/2: what a real deploy needs"
prepare_real_engine "$root"
use_e2e_backend

log "step 2/2: the journey, Traefik then nginx (backend $PULUMI_BACKEND_URL)"
mkdir -p "$root/reports"
cd "$root"
exec vitest run --config vitest.e2e.config.mts --reporter=default --reporter=json --outputFile.json=reports/vitest-e2e.json "$@"
