#!/usr/bin/env bash
# `npm test`: installs what the tests need, type-checks, runs the vitest suite (unit, component under Pulumi mocks,
# the nginx flavour against a real nginx, the monitoring files against promtool and amtool, the log pipeline's flags
# and configuration against VictoriaLogs and the OpenTelemetry Collector, and the log pipeline running when Docker and
# its images are there) and the apps' contract
# suite (both apps against a real PostgreSQL), and closes with one line "N passed, N failed" over both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

ensure_node_modules "$root"
install_test_tools
# The log pipeline's flags and configuration are checked by the real VictoriaLogs and OpenTelemetry Collector, built
# from the Go module proxy (about 30 s and 2 min cold on 2 cores, cached after; the same cache `npm run up` fills).
# Never skipped: a program that cannot be had fails the run here.
log "VictoriaLogs and the log collector for the log pipeline checks (scripts/docker/build-*-binary.sh)"
"$root/scripts/docker/build-victorialogs-binary.sh" >/dev/null || die "VictoriaLogs could not be built (see above)"
"$root/scripts/docker/build-log-collector-binary.sh" >/dev/null || die "the log collector could not be built (see above)"
# The GitHub Actions workflows are checked by actionlint (built from the Go module proxy, about 30 s cold), which runs
# Debian's shellcheck on their run: scripts, and by zizmor (a wheel from PyPI, seconds); both are cached after the
# first run. These checks are never skipped either.
log "actionlint and zizmor for the workflow checks (scripts/toolchain/ensure-actionlint.sh, ensure-zizmor.sh)"
"$root/scripts/toolchain/ensure-actionlint.sh" >/dev/null || die "actionlint could not be built (see above)"
"$root/scripts/toolchain/ensure-zizmor.sh" >/dev/null || die "zizmor could not be installed (see above)"

# The Kubernetes target test deploys with the Pulumi CLI: the toolchain's, when it is built (the test says why it skips
# otherwise).
# shellcheck source=scripts/toolchain/env.sh
source "$root/scripts/toolchain/env.sh" 2>/dev/null || log "no Pulumi toolchain built: the Kubernetes target test will say it skips"

cd "$root"
mkdir -p reports
rm -f reports/vitest.json reports/contract.xml

log "type-checking"
npx tsc --noEmit -p .

status=0
log "vitest: unit, component (Pulumi mocks), integration (real nginx, promtool, amtool, VictoriaLogs, the collector), the Kubernetes target on the local cluster"
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json || status=$?

log "contract suite: legacy Flask and FastAPI against a real PostgreSQL"
apps/contract/run.sh -q --junitxml="$root/reports/contract.xml" || status=$?

node "$root/scripts/summarize-tests.js" --vitest "$root/reports/vitest.json" --junit "$root/reports/contract.xml"
exit "$status"
