#!/usr/bin/env bash
# Sets a stack's app images to the ones their pipelines pushed: for each app, the image tagged with the last commit
# that changed apps/<app> (needs the full history: checkout with fetch-depth 0). Deploying a commit therefore always
# runs the same images, without a commit per image; the stage file keeps the local names for machines without a
# registry. With SENTRY_DSN set, it becomes the stack's (secret) errorTracking.sentryDsn as well.
# Usage: scripts/ci/pin-images.sh STACK   (needs IMAGE_REGISTRY, and the Pulumi backend and passphrase)
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stack="${1:-}"
[ -n "$stack" ] || die "usage: scripts/ci/pin-images.sh STACK"
require_env IMAGE_REGISTRY
cd "$CI_REPO_ROOT"

for app in "${!APP_IMAGE_KEYS[@]}"; do
  commit="$(last_app_commit "$app")"
  [ -n "$commit" ] || die "no commit changed apps/$app in this checkout's history (checkout with fetch-depth: 0)"
  ref="$(app_image_ref "$app" "$commit")"
  pulumi config set --path "${APP_IMAGE_KEYS[$app]}" "$ref" --stack "$stack"
  log "$stack: ${APP_IMAGE_KEYS[$app]} = $ref"
done
if [ -n "${SENTRY_DSN:-}" ]; then
  # From standard input, so the DSN's key never appears in a process list.
  printf '%s' "$SENTRY_DSN" | pulumi config set --secret --path errorTracking.sentryDsn --stack "$stack"
  log "$stack: errorTracking.sentryDsn set from SENTRY_DSN (secret)"
fi
