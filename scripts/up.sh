#!/usr/bin/env bash
# `npm run up`: brings the dev stage up on the local Docker engine from a fresh clone. It installs what it needs,
# uses a local file backend and a default passphrase when none is configured, deploys the platform stack and then the
# legacy Flask stack, and prints where the service is.
#
# Environment (defaults from scripts/env.sh, which a new shell sources to run the README's cutover commands):
#   MIGRATION_STACK            stage to deploy (default dev)
#   PULUMI_BACKEND_URL         backend to use (default file://$HOME/.pulumi-migration-state)
#   PULUMI_CONFIG_PASSPHRASE   passphrase of the stacks' secrets (default "migration-dev", for demos only)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
stack="${MIGRATION_STACK:-dev}"

log "step 1/2: what a real deploy needs"
prepare_real_engine "$root"
# The backend and passphrase a new shell gets from `source scripts/env.sh`, so the README's commands find this stack.
# shellcheck source=scripts/env.sh
source "$root/scripts/env.sh"

log "step 2/2: pulumi up (platform, then legacy Flask) on stack $stack, backend $PULUMI_BACKEND_URL"
deploy() {
  local directory="$1"
  (
    cd "$directory"
    pulumi stack select --create "$stack" --non-interactive
    pulumi up --yes --skip-preview --non-interactive --stack "$stack"
  )
}
deploy "$root"
deploy "$root/stacks/legacy-flask"

ingress_url="$(cd "$root" && pulumi stack output ingressUrl --stack "$stack")"
# Empty when monitoring is disabled, or Grafana has no image, or no log store is deployed (no such output then).
prometheus_url="$(cd "$root" && { pulumi stack output prometheusUrl --stack "$stack" 2>/dev/null || true; })"
page_url="$(cd "$root" && { pulumi stack output migrationPageUrl --stack "$stack" 2>/dev/null || true; })"
grafana_url="$(cd "$root" && { pulumi stack output grafanaUrl --stack "$stack" 2>/dev/null || true; })"
# VictoriaLogs' web UI; empty too when the logs go to the user's own backend (monitoring.logs.otlpEndpoint).
logs_url="$(cd "$root" && { pulumi stack output logsUrl --stack "$stack" 2>/dev/null || true; })"
log "ready: service at $ingress_url${prometheus_url:+, Prometheus at $prometheus_url}${page_url:+, the Flask vs FastAPI page at $page_url}${grafana_url:+, Grafana at $grafana_url (admin; pulumi stack output grafanaAdminPassword --show-secrets)}${logs_url:+, the logs (VictoriaLogs) at $logs_url}"
log "try:   curl -si $ingress_url/api/users | grep -i x-app-backend"
if [ -n "$logs_url" ]; then
  # The UI is at <store>/select/vmui/; the query API beside it, LogsQL in `query`.
  log "logs:  curl -s ${logs_url%/select/vmui/}/select/logsql/query --data-urlencode 'query={service=\"flask\"} | limit 20'"
fi
log "next:  in a new shell, \`source scripts/env.sh\` gives it this backend and passphrase and the project's pulumi (README: quick start)"
