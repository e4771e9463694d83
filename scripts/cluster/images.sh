# shellcheck shell=bash
# How images reach the cluster: as on real clusters, from a registry (Debian's docker-registry on the host side of the
# veth), pulled by containerd over HTTP. The one exception is the pod sandbox image, which containerd needs before
# any pull and which is imported once. Source it.

# shellcheck disable=SC2034 # rendered into manifests/coredns.yaml by addons.sh
readonly COREDNS_IMAGE="${REGISTRY_HOST}/coredns/coredns:${COREDNS_VERSION}"

# registry_image LOCAL_IMAGE: the name LOCAL_IMAGE has in the cluster's registry.
registry_image() { echo "${REGISTRY_HOST}/$1"; }

# A dockerd started before the registry was configured does not trust it, and its push would try HTTPS and fail.
require_docker_trusts_registry() {
  # The answer is read whole before grep looks at it: `docker info | grep -q` fails under pipefail whenever grep
  # stops reading before docker has written everything (SIGPIPE).
  local registries
  registries=$(docker info --format '{{range .RegistryConfig.IndexConfigs}}{{.Name}} {{.Secure}}{{"\n"}}{{end}}' 2>/dev/null) || true
  grep -qx "${REGISTRY_HOST} false" <<<"${registries}" ||
    die "dockerd does not trust the cluster's registry ${REGISTRY_HOST} over HTTP: it was started without --insecure-registry=${REGISTRY_HOST}. Stop dockerd (kill \$(cat /var/run/docker.pid)) and run scripts/docker/ensure-engine.sh, which starts it with that flag"
}

# build_scratch_image IMAGE CONTEXT_DIR DOCKERFILE_DIR BINARY: IMAGE from a one-binary Dockerfile (images/coredns,
# images/pause), unless Docker has it already.
build_scratch_image() {
  local image=$1 context=$2 dockerfile_dir=$3 binary=$4
  image_exists "${image}" && return 0
  local output
  mkdir -p "${context}"
  cp "${binary}" "${context}/"
  # Quiet unless it fails: the engine's legacy builder prints a deprecation notice on every build.
  output=$(docker build -q -t "${image}" -f "${dockerfile_dir}/Dockerfile" "${context}" 2>&1) ||
    die "docker build of ${image} failed: ${output}"
}

ensure_pause_image() {
  grep -qx "${PAUSE_IMAGE}" <<<"$(cluster_ctr images ls -q 2>/dev/null)" && return 0
  log_step "importing the pod sandbox image ${PAUSE_IMAGE} into the cluster's containerd"
  build_scratch_image "${PAUSE_IMAGE}" "${MIGRATION_CLUSTER_CACHE}/pause/context" \
    "${MIGRATION_REPO_ROOT}/images/pause" "${PAUSE_BIN}"
  docker save "${PAUSE_IMAGE}" | cluster_ctr images import --no-unpack=false - >/dev/null
}

# push_images IMAGE...: tags each local image with the registry's name and pushes it (only missing layers travel).
push_images() {
  local image target
  require_docker_trusts_registry
  for image in "$@"; do
    image_exists "${image}" || die "no local image ${image} to push: build it first (scripts/docker/build-images.sh)"
    target=$(registry_image "${image}")
    docker tag "${image}" "${target}"
    log_step "push ${target}"
    docker push -q "${target}" >/dev/null || die "docker push ${target} failed"
  done
}

ensure_coredns_image() {
  if curl -fs -o /dev/null "http://${REGISTRY_HOST}/v2/coredns/coredns/manifests/${COREDNS_VERSION}" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json'; then
    return 0
  fi
  build_scratch_image "coredns/coredns:${COREDNS_VERSION}" "${MIGRATION_CLUSTER_CACHE}/coredns/context" \
    "${MIGRATION_REPO_ROOT}/images/coredns" "$(coredns_bin)"
  push_images "coredns/coredns:${COREDNS_VERSION}"
}

# The project's images, as build-images.sh left them in Docker.
project_images() {
  docker images --format '{{.Repository}}:{{.Tag}}' | grep '^migration/' | sort
}
