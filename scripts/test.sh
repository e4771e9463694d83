#!/usr/bin/env bash
# `npm test`: installs what the tests need, type-checks, runs the vitest suite (unit, component under Pulumi mocks,
# the nginx flavour against a real nginx, the monitoring files against promtool and amtool, the log pipeline's files
# against Loki and Promtail, and the log pipeline running when Docker and its images are there) and the apps' contract
# suite (both apps against a real PostgreSQL), and closes with one line "N passed, N failed" over both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

ensure_node_modules "$root"
install_test_tools
# The log pipeline's files are checked by the real Loki and Promtail, which only build from the Go module proxy: the
# first build takes about 20 minutes on 2 cores, later runs find them cached (the same cache `npm run up` fills).
# Without Go, or if the build fails, those checks are skipped and say why.
if [ -x "${GO_BIN:-/usr/local/go/bin/go}" ]; then
  log "Loki and Promtail for the log pipeline checks (scripts/docker/build-loki-binaries.sh)"
  "$root/scripts/docker/build-loki-binaries.sh" >/dev/null || log "warning: Loki and Promtail could not be built; their checks will be skipped"
fi
# The GitHub Actions workflows are checked by actionlint (built from the Go module proxy, about 30 s cold), which runs
# Debian's shellcheck on their run: scripts, and by zizmor (a wheel from PyPI, seconds); both are cached after the
# first run. Unlike Loki these checks are never skipped: a tool that cannot be had fails the run here.
log "actionlint and zizmor for the workflow checks (scripts/toolchain/ensure-actionlint.sh, ensure-zizmor.sh)"
"$root/scripts/toolchain/ensure-actionlint.sh" >/dev/null || die "actionlint could not be built (see above)"
"$root/scripts/toolchain/ensure-zizmor.sh" >/dev/null || die "zizmor could not be installed (see above)"

cd "$root"
mkdir -p reports
rm -f reports/vitest.json reports/contract.xml

log "type-checking"
npx tsc --noEmit -p .

status=0
log "vitest: unit, component (Pulumi mocks), integration (real nginx, promtool, amtool, Loki, Promtail)"
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json || status=$?

log "contract suite: legacy Flask and FastAPI against a real PostgreSQL"
apps/contract/run.sh -q --junitxml="$root/reports/contract.xml" || status=$?

node "$root/scripts/summarize-tests.js" --vitest "$root/reports/vitest.json" --junit "$root/reports/contract.xml"
exit "$status"
