# shellcheck shell=bash
# Shared by the scripts the delivery workflows run (.github/workflows/); sourced, not executed.
# shellcheck source=scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"

CI_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The apps, by folder under apps/, and the platform config key that holds each one's image.
declare -A APP_IMAGE_KEYS=([legacy-flask]="flask.image" [fastapi]="fastapi.image")

require_env() {
  local name
  for name in "$@"; do
    [ -n "${!name:-}" ] || die "$name is not set (see docs/delivery.md for what each workflow needs)"
  done
}

require_app() {
  [ -n "${APP_IMAGE_KEYS[$1]:-}" ] || die "unknown app \"$1\"; expected one of: ${!APP_IMAGE_KEYS[*]}"
}

# The image an app's pipeline pushed for COMMIT: immutable, named by the commit that built it.
app_image_ref() {
  printf '%s/migration/%s:%s\n' "$IMAGE_REGISTRY" "$1" "$2"
}

# The last commit that changed an app: its image is the one app.yml pushed for that commit.
last_app_commit() {
  git -C "$CI_REPO_ROOT" log -1 --format=%H -- "apps/$1"
}

# only_on_target STACK TARGET WHY: ends the calling script, saying WHY, unless STACK deploys to TARGET (its
# migration:target, which the stage file sets; docker when unset).
only_on_target() {
  local target
  target="$(pulumi config get migration:target --stack "$1" 2>/dev/null || printf 'docker')"
  if [ "$target" != "$2" ]; then
    log "$1 runs on the $target target: $3"
    exit 0
  fi
}

registry_login() {
  require_env IMAGE_REGISTRY REGISTRY_USER REGISTRY_TOKEN
  printf '%s' "$REGISTRY_TOKEN" | docker login "${IMAGE_REGISTRY%%/*}" --username "$REGISTRY_USER" --password-stdin >/dev/null
}
