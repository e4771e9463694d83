#!/usr/bin/env bash
# ensure-actionlint.sh: makes actionlint (the linter of GitHub Actions workflows, MIT) available on a machine that
# reaches the Go module proxy but not GitHub releases, for the workflow checks in test/repository/workflows.test.ts.
# Built once from github.com/rhysd/actionlint through the module proxy into a cache outside the work tree, keyed by
# version; later runs find it there and return at once.
#
# Usage: ensure-actionlint.sh [--cached-only]
#   Prints the path of the actionlint binary on stdout (progress goes to stderr).
#   --cached-only  never build: print the path when the binary is cached, else fail saying how to build it (the test
#                  uses this, so a missing tool fails the test instead of starting a build inside it).
#
# Environment: MIGRATION_TOOLCHAIN_CACHE (default /var/cache/migration-toolchain), GO_BIN (default
# /usr/local/go/bin/go).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# go_build_from_proxy (locking, build under a temporary name, rename last), log_step and die.
# shellcheck source=scripts/docker/lib.sh
source "$script_dir/../docker/lib.sh"
# TOOLCHAIN_CACHE (the cache root shared with ensure-pulumi.sh) and toolchain_parse_cached_only.
# shellcheck source=scripts/toolchain/lib.sh
source "$script_dir/lib.sh"

# Pinned: a new actionlint release can add checks, and a test that turns red on its own is no test.
readonly ACTIONLINT_VERSION=v1.7.12
readonly ACTIONLINT_MODULE=github.com/rhysd/actionlint
readonly ACTIONLINT_CACHE="$TOOLCHAIN_CACHE/actionlint"
readonly ACTIONLINT_BIN="$ACTIONLINT_CACHE/bin/$ACTIONLINT_VERSION/actionlint"

cached_only=$(toolchain_parse_cached_only "$0" "$@")

if [[ ! -x $ACTIONLINT_BIN ]]; then
  [[ $cached_only -eq 0 ]] ||
    die "actionlint $ACTIONLINT_VERSION is not built ($ACTIONLINT_BIN missing): run scripts/toolchain/ensure-actionlint.sh (about 30 s on 2 cores)"
  started=$(date +%s)
  # The module has no replace lines, so a plain build of its copy is the same as `go install ...@version`; the version
  # is stamped in with -X because a build of a copied module reports "(devel)". The lowest priority (19) because this
  # runs next to the apps under test and other builds.
  GO_BUILD_NICE=19 go_build_from_proxy "$ACTIONLINT_MODULE" "$ACTIONLINT_VERSION" "$ACTIONLINT_CACHE" : "" \
    "-s -w -X $ACTIONLINT_MODULE.version=${ACTIONLINT_VERSION#v}" actionlint=cmd/actionlint
  "$ACTIONLINT_BIN" -version >&2 || die "built binary $ACTIONLINT_BIN does not run"
  log_step "actionlint $ACTIONLINT_VERSION: built in $(seconds_since "$started")s -> $ACTIONLINT_BIN"
fi
echo "$ACTIONLINT_BIN"
