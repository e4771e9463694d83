# shellcheck shell=bash
# Source this file to use the offline Pulumi toolchain built by ensure-pulumi.sh:
#
#   source scripts/toolchain/env.sh
#
# It puts the cached CLI (and the project's Node 22 from node_modules/.bin, which @pulumi/pulumi 3.270
# needs) first on PATH and sets PULUMI_HOME, the variables that keep Pulumi from reaching the network,
# and Node's compile cache. It builds nothing, so it is fast; it fails (returns 1) if the toolchain is
# not built yet. It sets no shell options, so it is safe to source into an interactive shell.

# shellcheck source=scripts/toolchain/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh" || return 1

if ! toolchain_load_versions; then
  echo "toolchain: could not read versions from package-lock.json" >&2
  return 1
fi

if [[ ! -x "$TOOLCHAIN_BIN_DIR/pulumi" || ! -f "$TOOLCHAIN_CLI_DIR/.complete" ]]; then
  echo "toolchain: no Pulumi toolchain in $TOOLCHAIN_CLI_DIR; run scripts/toolchain/ensure-pulumi.sh first" >&2
  return 1
fi

# toolchain_path_prepend DIR: put DIR first on PATH once, however often this file is sourced.
toolchain_path_prepend() {
  case ":$PATH:" in
    *":$1:"*) PATH="$1:$(printf '%s' ":$PATH:" | sed "s#:$1:#:#g; s#^:##; s#:\$##")" ;;
    *) PATH="$1:$PATH" ;;
  esac
}

if [[ -x "$TOOLCHAIN_REPO_ROOT/node_modules/.bin/node" ]]; then
  toolchain_path_prepend "$TOOLCHAIN_REPO_ROOT/node_modules/.bin"
fi
toolchain_path_prepend "$TOOLCHAIN_BIN_DIR"
export PATH
export PULUMI_HOME="$TOOLCHAIN_PULUMI_HOME"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# Node's compile cache for every Node.js process Pulumi starts from this shell, not only the programs (which enable it
# themselves: infra/runtime/compileCache.cjs, as does the volumefile plugin): the legacy stack's dynamic resource (the
# decommission guard) has a provider that loads all of @pulumi/pulumi in each preview and each update, and the engine
# waits for it before it handles the next registration. Same folder as the programs' default.
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-${TMPDIR:-/tmp}/node-compile-cache}"
unset -f toolchain_path_prepend
