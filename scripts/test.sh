#!/usr/bin/env bash
# `npm test`: installs what the tests need, type-checks, runs the vitest suite (unit, component under Pulumi mocks,
# the nginx flavour against a real nginx) and the apps' contract suite (both apps against a real PostgreSQL), and
# closes with one line "N passed, N failed" over both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

ensure_node_modules "$root"
# The nginx flavour's Lua router is tested against Debian's nginx, as it runs in the ingress image.
apt_install nginx-light libnginx-mod-http-lua lua-cjson

cd "$root"
mkdir -p reports
rm -f reports/vitest.json reports/contract.xml

log "type-checking"
npx tsc --noEmit -p .

status=0
log "vitest: unit, component (Pulumi mocks), integration (real nginx)"
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json || status=$?

log "contract suite: legacy Flask and FastAPI against a real PostgreSQL"
apps/contract/run.sh -q --junitxml="$root/reports/contract.xml" || status=$?

node "$root/scripts/summarize-tests.js" "$root/reports/vitest.json" "$root/reports/contract.xml"
exit "$status"
