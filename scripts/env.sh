# shellcheck shell=bash
# The project's shell: source it once in a new shell, from the project root, to run the README's `pulumi` and
# `npm run cutover` commands against the stacks `npm run up` created:
#
#   source scripts/env.sh
#
# It sets, for this shell only (your global Pulumi login and ~/.pulumi are never touched):
#   PATH                      the project's Pulumi CLI (built by `npm run up`) and Node 22 first, unless you have a
#                             `pulumi` of your own on PATH and no toolchain was built (then yours is used)
#   PULUMI_HOME, the offline flags of the toolchain and Node's compile cache (scripts/toolchain/env.sh)
#   PULUMI_BACKEND_URL        file://$HOME/.pulumi-migration-state, the local file backend, unless already set
#   PULUMI_CONFIG_PASSPHRASE  "migration-dev", the demo passphrase, unless it or PULUMI_CONFIG_PASSPHRASE_FILE is set
# `npm run up` sources this file too, so the two always agree. It sets no shell options and builds nothing.

migration_env_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# shellcheck source=scripts/toolchain/env.sh
if ! source "$migration_env_root/scripts/toolchain/env.sh" 2>/dev/null && ! command -v pulumi >/dev/null 2>&1; then
  echo "scripts/env.sh: no Pulumi CLI yet: run \`npm run up\` once (it builds the project's toolchain), or install Pulumi" >&2
  unset migration_env_root
  return 1
fi

if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  mkdir -p "$HOME/.pulumi-migration-state"
  export PULUMI_BACKEND_URL="file://$HOME/.pulumi-migration-state"
fi
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  echo 'scripts/env.sh: PULUMI_CONFIG_PASSPHRASE is not set: using the demo passphrase "migration-dev"' >&2
  export PULUMI_CONFIG_PASSPHRASE="migration-dev"
fi
unset migration_env_root
