# shellcheck shell=bash disable=SC2034 # variables here are used by the files that source this one
# Shared by ensure-pulumi.sh and env.sh: where the toolchain lives and which versions it is for.
# Only defines variables and functions, and sets no shell options, because env.sh sources it into
# the caller's shell.

TOOLCHAIN_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLCHAIN_REPO_ROOT="$(cd "$TOOLCHAIN_SCRIPT_DIR/../.." && pwd)"
TOOLCHAIN_CACHE="${MIGRATION_TOOLCHAIN_CACHE:-/var/cache/migration-toolchain}"

# The Pulumi CLI the toolchain builds, pinned here apart from the npm SDK (@pulumi/pulumi in package-lock.json): the
# module proxy refuses the CLI of the SDK's version (pkg/v3@v3.270.0) and npm has no SDK of this one, and a newer CLI
# runs an older SDK's programs. Made readonly once, because env.sh sources this file into shells that may source it
# again.
[[ -v PULUMI_CLI_VERSION && ${PULUMI_CLI_VERSION@a} == *r* ]] || readonly PULUMI_CLI_VERSION=3.274.1

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

# toolchain_load_versions: sets PULUMI_SDK_VERSION, DOCKER_PROVIDER_VERSION and RANDOM_PROVIDER_VERSION (the npm
# packages' locked versions) and the cache paths, the CLI's keyed by PULUMI_CLI_VERSION.
toolchain_load_versions() {
  PULUMI_SDK_VERSION="$(toolchain_lock_version @pulumi/pulumi)" || return 1
  DOCKER_PROVIDER_VERSION="$(toolchain_lock_version @pulumi/docker)" || return 1
  RANDOM_PROVIDER_VERSION="$(toolchain_lock_version @pulumi/random)" || return 1
  TOOLCHAIN_CLI_DIR="$TOOLCHAIN_CACHE/pulumi-v$PULUMI_CLI_VERSION"
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
# prints SCRIPT's usage on stderr and returns 2.
toolchain_parse_cached_only() {
  local script="$1"
  shift
  case "$*" in
    "") echo 0 ;;
    --cached-only) echo 1 ;;
    *)
      toolchain_usage "$script"
      return 2
      ;;
  esac
}

# toolchain_usage SCRIPT: print SCRIPT's "# Usage:" comment paragraph on stderr.
toolchain_usage() {
  sed -n '/^# Usage:/,/^#$/p' "$1" | sed 's/^# \{0,1\}//' >&2
}
