#!/usr/bin/env bash
# Makes every image a stack on the Docker target runs present on the engine it deploys to: the apps' images as pinned
# in the stack's config (pin-images.sh), and the platform's images, which the stage file names by their local names
# (migration/<name>:<tag>): those are pulled from $IMAGE_REGISTRY and tagged with that local name.
# Usage: scripts/ci/pull-images.sh STACK   (needs the registry env, and the Pulumi backend and passphrase)
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stack="${1:-}"
[ -n "$stack" ] || die "usage: scripts/ci/pull-images.sh STACK"
cd "$CI_REPO_ROOT"
only_on_target "$stack" docker "its cluster pulls the images from the registry itself (cluster-access.sh)"
registry_login

for key in "${APP_IMAGE_KEYS[@]}"; do
  ref="$(pulumi config get --path "$key" --stack "$stack")"
  log "docker pull $ref"
  docker pull --quiet "$ref" >/dev/null
done
app_names="$(printf '%s|' "${!APP_IMAGE_KEYS[@]}")"
grep -oE 'migration/[a-z0-9-]+:[A-Za-z0-9._-]+' "Pulumi.$stack.yaml" | grep -vE "^migration/(${app_names%|}):" | sort -u |
  while read -r image; do
    log "docker pull $IMAGE_REGISTRY/$image (as $image)"
    docker pull --quiet "$IMAGE_REGISTRY/$image" >/dev/null
    docker tag "$IMAGE_REGISTRY/$image" "$image"
  done
