#!/usr/bin/env bash
# Builds an app's image on the base its Dockerfile names (python:2.7-slim for Flask, python:3.12-slim for FastAPI) and
# pushes it as $IMAGE_REGISTRY/migration/<app>:<commit SHA>: a tag that never moves, which deploys find again from git
# (pin-images.sh). Usage: scripts/ci/push-app-image.sh legacy-flask|fastapi   (needs GITHUB_SHA and the registry env)
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
app="${1:-}"
require_app "$app"
require_env GITHUB_SHA IMAGE_REGISTRY
ref="$(app_image_ref "$app" "$GITHUB_SHA")"

log "docker build $ref (apps/$app, its Dockerfile's default base)"
docker build --label "org.opencontainers.image.revision=$GITHUB_SHA" --tag "$ref" "$CI_REPO_ROOT/apps/$app"
registry_login
docker push "$ref"
log "pushed $ref"
