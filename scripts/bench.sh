#!/usr/bin/env bash
# `npm run bench [-- apps|ingress|control-plane ...]`: the apps, the ingress and the cutover's operations measured,
# written to reports/bench.json (test/bench/main.ts); every section unless some are named:
#   apps           Flask versus FastAPI, each straight to its container on the same core, at 1, 8 and 32 connections
#   ingress        straight to FastAPI versus through Traefik, then nginx
#   control-plane  rollback, a weight step, status, a refused preview and a gated advance, timed as a user types them
# Each section deploys stacks of its own (bench-apps; bench-traefik, bench-nginx; bench-control-plane) on the e2e's
# file backend, and destroys them afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

log "step 1/2: what a real deploy needs, and wrk"
apt_install wrk
prepare_real_engine "$root"
use_e2e_backend

log "step 2/2: the sections (${*:-apps ingress control-plane})"
cd "$root"
exec tsx test/bench/main.ts "$@"
