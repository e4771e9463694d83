#!/usr/bin/env bash
# `npm run down`: removes what `npm run up` deployed: the legacy Flask stack, then the platform stack (the database
# volume too, unless the stage sets database.retainOnDestroy), and both stacks' state in the backend. The stack files
# stay. This tears the whole demo down, so the decommission guard, which refuses to remove Flask while the platform
# still routes to it, is told to stand aside first (forceDecommission, set for that one update and removed again).
# To decommission Flask and keep the platform, see docs/cutover.md instead.
#
# Environment: MIGRATION_STACK (default dev), and the backend and passphrase of scripts/env.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=scripts/env.sh
source "$root/scripts/env.sh" || die "nothing to tear down without a Pulumi CLI"
stack="${MIGRATION_STACK:-dev}"

stack_exists() { pulumi stack select "$stack" >/dev/null 2>&1; }

cd "$root/stacks/legacy-flask"
if stack_exists; then
  log "legacy Flask stack $stack: guard off for the teardown, then destroy"
  pulumi config set forceDecommission true --stack "$stack"
  pulumi up --yes --skip-preview --non-interactive --stack "$stack"
  pulumi destroy --yes --skip-preview --non-interactive --stack "$stack"
  pulumi config rm forceDecommission --stack "$stack"
  pulumi stack rm --yes --preserve-config --stack "$stack"
else
  log "legacy Flask stack $stack: none in $PULUMI_BACKEND_URL"
fi

cd "$root"
if stack_exists; then
  log "platform stack $stack: destroy"
  pulumi destroy --yes --skip-preview --non-interactive --stack "$stack"
  pulumi stack rm --yes --preserve-config --stack "$stack"
else
  log "platform stack $stack: none in $PULUMI_BACKEND_URL"
fi
log "done: stack $stack removed from $PULUMI_BACKEND_URL"
