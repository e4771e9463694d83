#!/usr/bin/env bash
# For a stage on the Kubernetes target (its migration:target), what only the pipeline has, set before the job touches
# the stack: the kubeconfig (the environment's KUBECONFIG secret, written to a file of the runner's that only its user
# reads, and exported as KUBECONFIG to the job's later steps, where the platform, the legacy stack and the cutover
# command's fast rollback all find it), the registry the images were pushed to (the cluster pulls them from there,
# under their local names), and that registry's credentials for the cluster (REGISTRY_PULL_SECRET, a .dockerconfigjson,
# kept as a secret of the stack). A stage on the Docker target needs none of it: nothing happens.
# Usage: scripts/ci/cluster-access.sh STACK   (needs the Pulumi backend and passphrase; for a Kubernetes stage,
# KUBECONFIG_CONTENT and IMAGE_REGISTRY, and REGISTRY_PULL_SECRET where the registry needs credentials)
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stack="${1:-}"
[ -n "$stack" ] || die "usage: scripts/ci/cluster-access.sh STACK"
cd "$CI_REPO_ROOT"
only_on_target "$stack" kubernetes "no cluster to reach"
require_env KUBECONFIG_CONTENT IMAGE_REGISTRY GITHUB_ENV

kubeconfig="${RUNNER_TEMP:-$HOME}/kubeconfig-$stack"
(umask 077 && printf '%s\n' "$KUBECONFIG_CONTENT" >"$kubeconfig")
printf 'KUBECONFIG=%s\n' "$kubeconfig" >>"$GITHUB_ENV"
log "$stack: KUBECONFIG=$kubeconfig for the job's later steps"
pulumi config set --path kubernetes.imageRegistry "$IMAGE_REGISTRY" --stack "$stack"
log "$stack: kubernetes.imageRegistry = $IMAGE_REGISTRY"
if [ -n "${REGISTRY_PULL_SECRET:-}" ]; then
  # From standard input, so the credentials never appear in a process list.
  printf '%s' "$REGISTRY_PULL_SECRET" | pulumi config set --secret --path kubernetes.imagePullSecret --stack "$stack"
  log "$stack: kubernetes.imagePullSecret set from REGISTRY_PULL_SECRET (secret)"
fi
