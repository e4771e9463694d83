#!/usr/bin/env bash
# `npm test`: installs what the tests need, type-checks, runs the whole vitest suite (unit, component under Pulumi
# mocks, and the nginx flavour against a real nginx), and closes with "N passed, N failed".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

ensure_node_modules "$root"
# The nginx flavour's Lua router is tested against Debian's nginx, as it runs in the ingress image.
ensure_debian_packages nginx-light libnginx-mod-http-lua lua-cjson

cd "$root"
mkdir -p reports
log "type-checking"
npx tsc --noEmit -p .

status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json "$@" || status=$?

node -e '
  const report = require(process.argv[1]);
  console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed`);
' "$root/reports/vitest.json"
exit "$status"
