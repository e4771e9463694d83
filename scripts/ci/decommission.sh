#!/usr/bin/env bash
# The decommission workflow's step: destroys the legacy Flask stack. Its decommission guard refuses, naming the
# routes, while the platform still sends Flask any traffic, and, naming the date, inside the platform's backup window
# (docs/cutover.md); nothing is deleted then.
# Usage: scripts/ci/decommission.sh STACK   (needs the Pulumi backend and passphrase)
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stack="${1:-}"
[ -n "$stack" ] || die "usage: scripts/ci/decommission.sh STACK"
cd "$CI_REPO_ROOT/stacks/legacy-flask"
pulumi destroy --yes --non-interactive --stack "$stack" --message "decommission Flask"
