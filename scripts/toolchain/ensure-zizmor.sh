#!/usr/bin/env bash
# ensure-zizmor.sh: makes zizmor (the security linter of GitHub Actions workflows, MIT) available on a machine that
# reaches PyPI but not GitHub releases, for the workflow checks in test/repository/workflows.test.ts. PyPI ships it as
# a prebuilt binary wheel; it is installed once into a virtual environment in a cache outside the work tree, keyed by
# version; later runs find it there and return at once. Run it as `zizmor --offline`: the checks never ask GitHub.
#
# Usage: ensure-zizmor.sh [--cached-only]
#   Prints the path of the zizmor binary on stdout (progress goes to stderr).
#   --cached-only  never install: print the path when zizmor is cached, else fail saying how to install it (the test
#                  uses this, so a missing tool fails the test instead of starting an install inside it).
#
# Environment: MIGRATION_TOOLCHAIN_CACHE (default /var/cache/migration-toolchain).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# log, die, apt_install.
# shellcheck source=scripts/lib.sh
source "$script_dir/../lib.sh"
# TOOLCHAIN_CACHE and toolchain_parse_cached_only, shared with the other ensure scripts.
# shellcheck source=scripts/toolchain/lib.sh
source "$script_dir/lib.sh"

# Pinned: a new zizmor release can add audits, and a test that turns red on its own is no test.
readonly ZIZMOR_VERSION=1.32.0
readonly ZIZMOR_CACHE="$TOOLCHAIN_CACHE/zizmor"
readonly ZIZMOR_VENV="$ZIZMOR_CACHE/$ZIZMOR_VERSION"
readonly ZIZMOR_BIN="$ZIZMOR_VENV/bin/zizmor"

cached_only=$(toolchain_parse_cached_only "$0" "$@")

install_zizmor() {
  local started partial
  started=$(date +%s)
  mkdir -p "$ZIZMOR_CACHE" 2>/dev/null || die "cannot create $ZIZMOR_CACHE; set MIGRATION_TOOLCHAIN_CACHE to a writable folder"
  # One install at a time: a second caller waits, then finds the first one's result.
  exec {lock_fd}>"$ZIZMOR_CACHE/install.lock"
  flock "$lock_fd"
  [[ -x $ZIZMOR_BIN ]] && return 0
  # The lock is ours, so any temporary folder left is that of an interrupted run.
  rm -rf "$ZIZMOR_CACHE"/*.partial.*

  # Debian's Python, not whatever python3 comes first on PATH (a pyenv one can be removed under the venv's feet);
  # Debian splits venv (and the pip it bootstraps) into python3-venv.
  apt_install python3-venv
  partial="$ZIZMOR_VENV.partial.$$"
  trap 'rm -rf "$partial"' EXIT
  log "zizmor $ZIZMOR_VERSION: pip install into $ZIZMOR_VENV (from PyPI)"
  /usr/bin/python3 -m venv "$partial" || die "python3 -m venv $partial failed (is Debian's python3-venv installed?)"
  # --only-binary: the wheel carries the compiled zizmor; building the sdist would need a Rust toolchain and crates.
  "$partial/bin/python" -m pip install --quiet --no-input --disable-pip-version-check --only-binary=:all: \
    "zizmor==$ZIZMOR_VERSION" >&2 ||
    die "pip install zizmor==$ZIZMOR_VERSION failed (PyPI unreachable, or no wheel for this platform): see above"
  # The wheel's zizmor is a native executable, not a Python entry script: it carries no path to the venv, so renaming
  # the venv into place (the last step, so an interrupted install never looks cached) leaves it working.
  mv "$partial" "$ZIZMOR_VENV"
  trap - EXIT
  "$ZIZMOR_BIN" --version >&2 || die "installed $ZIZMOR_BIN does not run"
  log "zizmor $ZIZMOR_VERSION: installed in $(($(date +%s) - started))s -> $ZIZMOR_BIN"
}

if [[ ! -x $ZIZMOR_BIN ]]; then
  [[ $cached_only -eq 0 ]] ||
    die "zizmor $ZIZMOR_VERSION is not installed ($ZIZMOR_BIN missing): run scripts/toolchain/ensure-zizmor.sh (seconds)"
  install_zizmor
fi
echo "$ZIZMOR_BIN"
