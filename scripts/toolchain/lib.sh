# shellcheck shell=bash disable=SC2034 # variables here are used by the files that source this one
# Shared by ensure-pulumi.sh and env.sh: where the toolchain lives and which versions it is for.
# Only defines variables and functions, and sets no shell options, because env.sh sources it into
# the caller's shell.

TOOLCHAIN_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLCHAIN_REPO_ROOT="$(cd "$TOOLCHAIN_SCRIPT_DIR/../.." && pwd)"
TOOLCHAIN_CACHE="${MIGRATION_TOOLCHAIN_CACHE:-/var/cache/migration-toolchain}"

# toolchain_lock_version NPM_PACKAGE: the version package-lock.json pins for node_modules/NPM_PACKAGE.
# The lockfile, not package.json, is the source of truth: it is what `npm ci` installs.
toolchain_lock_version() {
  local pkg="$1" lock="$TOOLCHAIN_REPO_ROOT/package-lock.json" version=""
  if [[ ! -f "$lock" ]]; then
    echo "toolchain: $lock not found" >&2
    return 1
  fi
  if command -v node >/dev/null 2>&1; then
    version="$(node -e '
      const lock = require(process.argv[1]);
      const entry = (lock.packages || {})["node_modules/" + process.argv[2]];
      process.stdout.write(entry && entry.version ? entry.version : "");
    ' "$lock" "$pkg")"
  elif command -v python3 >/dev/null 2>&1; then
    version="$(python3 -c '
import json, sys
entry = json.load(open(sys.argv[1])).get("packages", {}).get("node_modules/" + sys.argv[2], {})
sys.stdout.write(entry.get("version", ""))
' "$lock" "$pkg")"
  else
    echo "toolchain: need node or python3 to read $lock" >&2
    return 1
  fi
  if [[ -z "$version" ]]; then
    echo "toolchain: $lock has no version for node_modules/$pkg" >&2
    return 1
  fi
  printf '%s\n' "$version"
}

# toolchain_load_versions: sets PULUMI_VERSION, DOCKER_PROVIDER_VERSION, RANDOM_PROVIDER_VERSION and the
# cache paths derived from them.
toolchain_load_versions() {
  PULUMI_VERSION="$(toolchain_lock_version @pulumi/pulumi)" || return 1
  DOCKER_PROVIDER_VERSION="$(toolchain_lock_version @pulumi/docker)" || return 1
  RANDOM_PROVIDER_VERSION="$(toolchain_lock_version @pulumi/random)" || return 1
  TOOLCHAIN_CLI_DIR="$TOOLCHAIN_CACHE/pulumi-v$PULUMI_VERSION"
  TOOLCHAIN_BIN_DIR="$TOOLCHAIN_CLI_DIR/bin"
  TOOLCHAIN_PLUGIN_CACHE="$TOOLCHAIN_CACHE/plugins"
  # A PULUMI_HOME of the toolchain's own keeps these plugins apart from a developer's ~/.pulumi.
  TOOLCHAIN_PULUMI_HOME="${PULUMI_HOME:-$TOOLCHAIN_CACHE/pulumi-home}"
}

# toolchain_plugin_dir NAME VERSION: cache folder of a resource plugin, named like Pulumi's own layout.
toolchain_plugin_dir() {
  printf '%s/resource-%s-v%s\n' "$TOOLCHAIN_PLUGIN_CACHE" "$1" "$2"
}

# toolchain_parse_cached_only SCRIPT [ARG...]: the `[--cached-only]` argument of the ensure scripts of single tools
# (ensure-actionlint.sh, ensure-zizmor.sh). Prints 1 when it is given, 0 when there is no argument; anything else
# prints SCRIPT's "# Usage:" paragraph on stderr and returns 2.
toolchain_parse_cached_only() {
  local script="$1"
  shift
  case "$*" in
    "") echo 0 ;;
    --cached-only) echo 1 ;;
    *)
      sed -n '/^# Usage:/,/^#$/p' "$script" | sed 's/^# \{0,1\}//' >&2
      return 2
      ;;
  esac
}
