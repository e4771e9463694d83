#!/usr/bin/env bash
# Deploys a stage as the pipeline does: the platform stack, then the legacy Flask stack that joins it, each a
# `pulumi up` recorded with the commit being deployed. The images must be on the engine already (pull-images.sh).
# Usage: scripts/ci/deploy.sh STACK   (needs the Pulumi backend and passphrase)
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stack="${1:-}"
[ -n "$stack" ] || die "usage: scripts/ci/deploy.sh STACK"
message="deploy $(git -C "$CI_REPO_ROOT" rev-parse --short HEAD)"

for directory in "$CI_REPO_ROOT" "$CI_REPO_ROOT/stacks/legacy-flask"; do
  log "pulumi up --stack $stack in ${directory#"$CI_REPO_ROOT"/}"
  (cd "$directory" && pulumi up --yes --non-interactive --stack "$stack" --message "$message")
done
