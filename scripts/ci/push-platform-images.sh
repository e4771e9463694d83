#!/usr/bin/env bash
# Builds the platform's images with the script the local stack uses (Debian packages and Go modules) and pushes each
# under its version tag: $IMAGE_REGISTRY/migration/<name>:<tag>. The apps' images have their own pipeline (app.yml),
# and the two Debian bases are only build inputs, so none of those is pushed.
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_env IMAGE_REGISTRY
platform_images=(postgres nginx-lua prometheus alertmanager postgres-exporter traefik victorialogs log-collector)

"$CI_REPO_ROOT/scripts/docker/build-images.sh" debian-base "${platform_images[@]}"
registry_login
for name in "${platform_images[@]}"; do
  for image in $(docker images --format '{{.Repository}}:{{.Tag}}' "migration/$name"); do
    docker tag "$image" "$IMAGE_REGISTRY/$image"
    docker push "$IMAGE_REGISTRY/$image"
    log "pushed $IMAGE_REGISTRY/$image"
  done
done
