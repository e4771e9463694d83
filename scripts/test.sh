#!/usr/bin/env bash
# `npm test`: installs what the tests need, type-checks, runs the vitest suite (unit, component under Pulumi mocks,
# the nginx flavour against a real nginx, the monitoring files against promtool and amtool, the log pipeline's files
# against Loki and Promtail, and the log pipeline running when Docker and its images are there) and the apps' contract
# suite (both apps against a real PostgreSQL), and closes with one line "N passed, N failed" over both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

# Installing a Debian server package starts the server under systemd. The tests need only the command-line tools of
# Prometheus and Alertmanager, and a host Prometheus would hold port 9090, which the platform's own Prometheus
# publishes: mask the servers of those packages that are not installed yet (never one the machine already has), so
# that installing them starts nothing.
mask_servers_of_new_packages() {
  [ -d /run/systemd/system ] && [ "$(id -u)" -eq 0 ] || return 0
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || systemctl mask --quiet "$package.service"
  done
}

ensure_node_modules "$root"
# The nginx flavour's Lua router is tested against Debian's nginx, as it runs in the ingress image; the generated
# Prometheus and Alertmanager files against the real promtool and amtool.
mask_servers_of_new_packages prometheus prometheus-alertmanager
apt_install nginx-light libnginx-mod-http-lua lua-cjson prometheus prometheus-alertmanager
# The log pipeline's files are checked by the real Loki and Promtail, which only build from the Go module proxy: the
# first build takes about 20 minutes on 2 cores, later runs find them cached (the same cache `npm run up` fills).
# Without Go, or if the build fails, those checks are skipped and say why.
if [ -x "${GO_BIN:-/usr/local/go/bin/go}" ]; then
  log "Loki and Promtail for the log pipeline checks (scripts/docker/build-loki-binaries.sh)"
  "$root/scripts/docker/build-loki-binaries.sh" >/dev/null || log "warning: Loki and Promtail could not be built; their checks will be skipped"
fi

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
