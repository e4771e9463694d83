#!/usr/bin/env bash
# `npm run test:cluster`: the local cluster's restart checks (test/cluster/*.cluster.ts): a graceful stop and a kill of
# every component, each followed by a start, with a database volume's row read back and the seconds until traffic is
# served again written to reports/cluster-restart.json. They take the cluster down and up again, so they are not part
# of `npm test`; .ci/run runs them after it. Starts the cluster (npm run cluster) when it does not run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

ensure_node_modules "$root"
# shellcheck source=scripts/toolchain/env.sh
source "$root/scripts/toolchain/env.sh" || die "no Pulumi toolchain: run scripts/toolchain/ensure-pulumi.sh --with-kubernetes"
"$root/scripts/cluster/cluster.sh" up

cd "$root"
mkdir -p reports
rm -f reports/vitest-cluster.json
exec vitest run --config vitest.cluster.config.mts --reporter=default --reporter=json \
  --outputFile.json=reports/vitest-cluster.json "$@"
