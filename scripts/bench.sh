#!/usr/bin/env bash
# `npm run bench [-- apps|ingress ...]`: wrk against the apps and the ingress, written to reports/bench.json
# (test/bench/main.ts); both sections unless some are named:
#   apps     Flask versus FastAPI, each straight to its container on the same core, at 1, 8 and 32 connections
#   ingress  straight to FastAPI versus through Traefik, then nginx
# Each section deploys stacks of its own (bench-apps; bench-traefik, bench-nginx) on the e2e's file backend, and
# destroys them afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

log "step 1/2: what a real deploy needs, and wrk"
apt_install wrk
prepare_real_engine "$root"
use_e2e_backend

log "step 2/2: the sections (${*:-apps ingress})"
cd "$root"
exec tsx test/bench/main.ts "$@"
