#!/usr/bin/env bash
# `npm run bench`: requests/s and p50/p99 latency straight to FastAPI versus through each ingress flavour (wrk, same
# concurrency, alternating runs), written to reports/bench.json. It deploys stacks of its own (bench-traefik,
# bench-nginx) on the e2e's file backend and ports, and destroys them afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

log "step 1/2: what a real deploy needs, and wrk"
apt_install wrk
prepare_real_engine "$root"
use_e2e_backend

log "step 2/2: direct versus through Traefik, then nginx"
cd "$root"
exec tsx test/bench/ingressOverhead.ts
