#!/usr/bin/env bash
# Builds the local Debian base images with debootstrap + `docker import` (no registry can be pulled from here):
#   migration/python-base:bookworm   minbase + ca-certificates + python3, python3-pip, python3-venv, python-is-python3
#   migration/debian-base:bookworm   minbase + ca-certificates
# python-base is built first: the demo app images wait for it.
#
# Usage: build-base-images.sh [--force] [python-base|debian-base ...]     (default: both)
#   --force  re-run debootstrap even when the image and the cached rootfs tarball exist.
#
# Caching, cheapest first: an existing image tag is kept as is; a missing tag is re-imported from the cached rootfs
# tarball ($MIGRATION_CACHE_DIR/rootfs/, keyed by suite, package list and extra CAs); only then does debootstrap run,
# reusing downloaded .debs from $MIGRATION_CACHE_DIR/debs.
#
# Both bases also trust the build host's extra CA certificates (see MIGRATION_EXTRA_CA_DIR below).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Extra CA certificates the build host trusts, installed into the bases too. Egress from these machines goes through
# a TLS-intercepting proxy whose CA is in /usr/local/share/ca-certificates: without it every HTTPS client in a
# container (pip install from PyPI in the app images) fails with "self-signed certificate in certificate chain".
# On a host without extra CAs nothing is added. Set MIGRATION_EXTRA_CA_DIR= (empty) to never add any.
MIGRATION_EXTRA_CA_DIR=${MIGRATION_EXTRA_CA_DIR-/usr/local/share/ca-certificates}
readonly ROOTFS_CACHE="${MIGRATION_CACHE_DIR}/rootfs"
readonly DEB_CACHE="${MIGRATION_CACHE_DIR}/debs"
# Bump when the rootfs customisation below changes, so cached tarballs are rebuilt.
readonly ROOTFS_RECIPE_VERSION=2

# name -> "image tag|debootstrap --include list"
declare -A BASE_IMAGES=(
  [python-base]="migration/python-base:${DEBIAN_SUITE}|ca-certificates,python3,python3-pip,python3-venv,python-is-python3"
  [debian-base]="migration/debian-base:${DEBIAN_SUITE}|ca-certificates"
)
readonly DEFAULT_BUILD_ORDER=(python-base debian-base)

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Mount points inside the rootfs being customised; the EXIT trap unmounts them even when a step fails, otherwise
# the next `rm -rf` of the work dir would descend into the host's /proc.
ACTIVE_MOUNTS=()
unmount_all() {
  local i
  for ((i = ${#ACTIVE_MOUNTS[@]} - 1; i >= 0; i--)); do
    umount -l "${ACTIVE_MOUNTS[i]}" 2>/dev/null || true
  done
  ACTIVE_MOUNTS=()
}
trap unmount_all EXIT

extra_ca_files() {
  [[ -n ${MIGRATION_EXTRA_CA_DIR} && -d ${MIGRATION_EXTRA_CA_DIR} ]] || return 0
  find "${MIGRATION_EXTRA_CA_DIR}" -maxdepth 1 -type f -name '*.crt' | LC_ALL=C sort
}

# The cached tarball is reused only for the same suite, mirror, packages, recipe and extra CAs.
cache_key() {
  local packages=$1 ca_digest
  ca_digest=$(extra_ca_files | xargs -r cat | sha256sum | cut -c1-16)
  printf '%s|%s|%s|%s|%s' "${DEBIAN_SUITE}" "${DEBIAN_MIRROR}" "${packages}" "${ROOTFS_RECIPE_VERSION}" "${ca_digest}" \
    | sha256sum | cut -c1-12
}

run_debootstrap() {
  local rootfs=$1 packages=$2
  mkdir -p "${DEB_CACHE}"
  # minbase: only Essential + apt, the usual container base. Only Depends are resolved (no Recommends).
  debootstrap --variant=minbase --include="${packages}" --cache-dir="${DEB_CACHE}" \
    "${DEBIAN_SUITE}" "${rootfs}" "${DEBIAN_MIRROR}" >"${rootfs}.debootstrap.log" 2>&1 || {
    tail -n 30 "${rootfs}.debootstrap.log" >&2
    die "debootstrap failed (full log: ${rootfs}.debootstrap.log)"
  }
  rm -f "${rootfs}.debootstrap.log"
}

# Container conventions, the same ones the official Debian images ship, so Dockerfiles FROM these bases behave as
# people expect.
configure_rootfs_for_containers() {
  local rootfs=$1
  # Maintainer scripts must not start daemons during `docker build` (postgresql's postinst would start a cluster).
  cat >"${rootfs}/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# Containers have no init system: refuse service starts requested by package maintainer scripts.
exit 101
EOF
  chmod 0755 "${rootfs}/usr/sbin/policy-rc.d"

  # Delete downloaded .debs after each install and skip translation indexes: smaller layers, faster apt-get update.
  cat >"${rootfs}/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"${rootfs}/etc/apt/apt.conf.d/docker-no-languages"

  # Point releases + updates + security, like the official image: debootstrap alone only knows the suite.
  rm -f "${rootfs}/etc/apt/sources.list"
  cat >"${rootfs}/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: ${DEBIAN_MIRROR}
Suites: ${DEBIAN_SUITE} ${DEBIAN_SUITE}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_MIRROR%/debian}/debian-security
Suites: ${DEBIAN_SUITE}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

# Applies security and stable updates published after the point release debootstrap installed.
upgrade_rootfs_packages() {
  local rootfs=$1
  mount -t proc proc "${rootfs}/proc"
  ACTIVE_MOUNTS+=("${rootfs}/proc")
  cp /etc/resolv.conf "${rootfs}/etc/resolv.conf"
  chroot "${rootfs}" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -qq && apt-get -y -qq -o Dpkg::Options::=--force-confold dist-upgrade' \
    >"${rootfs}.upgrade.log" 2>&1 || {
    tail -n 30 "${rootfs}.upgrade.log" >&2
    die "apt-get dist-upgrade in ${rootfs} failed (full log: ${rootfs}.upgrade.log)"
  }
  rm -f "${rootfs}.upgrade.log"
  unmount_all
}

install_extra_ca_certificates() {
  local rootfs=$1 cert count=0
  while IFS= read -r cert; do
    install -m 0644 "${cert}" "${rootfs}/usr/local/share/ca-certificates/$(basename "${cert}")"
    count=$((count + 1))
  done < <(extra_ca_files)
  [[ ${count} -gt 0 ]] || return 0
  chroot "${rootfs}" /usr/sbin/update-ca-certificates >/dev/null 2>&1 \
    || die "update-ca-certificates in ${rootfs} failed"
  log_step "added ${count} extra CA certificate(s) from ${MIGRATION_EXTRA_CA_DIR}"
}

# Removes host- and build-specific state that must not be baked into an image: Docker provides resolv.conf, hosts
# and hostname at run time, and apt lists are stale the moment the image is built.
strip_rootfs() {
  local rootfs=$1
  : >"${rootfs}/etc/resolv.conf"
  : >"${rootfs}/etc/hostname"
  rm -rf "${rootfs}"/var/lib/apt/lists/* "${rootfs}"/var/cache/apt/*.bin "${rootfs}"/var/cache/apt/archives/*.deb \
    "${rootfs}"/var/log/*.log "${rootfs}"/var/log/apt/* "${rootfs}"/tmp/* "${rootfs}"/var/tmp/* \
    "${rootfs}"/root/.cache
}

# Produces the cached rootfs tarball for one image. Written to a temporary name and renamed at the end, so an
# interrupted run never leaves a half tarball that the next run would import.
build_rootfs_tarball() {
  local name=$1 packages=$2 tarball=$3 rootfs step_started
  rootfs="${ROOTFS_CACHE}/work-${name}"
  rm -rf "${rootfs}"
  mkdir -p "${rootfs}"

  step_started=$(date +%s)
  log_step "${name}: debootstrap --variant=minbase ${DEBIAN_SUITE} (+ ${packages})"
  run_debootstrap "${rootfs}" "${packages}"
  log_step "${name}: debootstrap done in $(seconds_since "${step_started}")s"

  step_started=$(date +%s)
  configure_rootfs_for_containers "${rootfs}"
  log_step "${name}: apt-get dist-upgrade from ${DEBIAN_SUITE}-updates and -security"
  upgrade_rootfs_packages "${rootfs}"
  install_extra_ca_certificates "${rootfs}"
  strip_rootfs "${rootfs}"
  log_step "${name}: upgrade + cleanup done in $(seconds_since "${step_started}")s"

  step_started=$(date +%s)
  tar --numeric-owner --xattrs -C "${rootfs}" -cf "${tarball}.partial" .
  # Tarballs of older recipes for this image can never be used again: keep one per image.
  find "${ROOTFS_CACHE}" -maxdepth 1 -name "${name}-${DEBIAN_SUITE}-*.tar" ! -name "$(basename "${tarball}")" -delete
  mv -f "${tarball}.partial" "${tarball}"
  rm -rf "${rootfs}"
  log_step "${name}: rootfs tarball $(du -h "${tarball}" | cut -f1) written in $(seconds_since "${step_started}")s"
}

import_tarball() {
  local name=$1 tag=$2 tarball=$3 step_started extra_cas
  step_started=$(date +%s)
  extra_cas=$(extra_ca_files | xargs -r -n1 basename | paste -sd, -)
  # docker import drops all image config; restore what an official Debian image sets.
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    --change "LABEL org.migration.extra-ca-certificates=\"${extra_cas:-none}\"" \
    --message "debootstrap ${DEBIAN_SUITE} minbase via scripts/docker/build-base-images.sh" \
    "${tarball}" "${tag}" >/dev/null
  log_step "${name}: imported ${tag} in $(seconds_since "${step_started}")s"
}

build_base_image() {
  local name=$1 tag packages tarball
  [[ -n ${BASE_IMAGES[${name}]:-} ]] || die "unknown base image '${name}' (known: ${!BASE_IMAGES[*]})"
  tag=${BASE_IMAGES[${name}]%%|*}
  packages=${BASE_IMAGES[${name}]#*|}
  tarball="${ROOTFS_CACHE}/${name}-${DEBIAN_SUITE}-$(cache_key "${packages}").tar"

  if [[ ${FORCE} -eq 0 ]] && image_exists "${tag}"; then
    log_step "${name}: ${tag} exists, skipped"
    return 0
  fi
  mkdir -p "${ROOTFS_CACHE}"
  if [[ ${FORCE} -eq 1 || ! -s ${tarball} ]]; then
    build_rootfs_tarball "${name}" "${packages}" "${tarball}"
  else
    log_step "${name}: reusing cached rootfs ${tarball}"
  fi
  import_tarball "${name}" "${tag}" "${tarball}"
}

main() {
  local names=() name
  FORCE=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --force) FORCE=1 ;;
      -h | --help) usage ;;
      -*) usage ;;
      *) names+=("$1") ;;
    esac
    shift
  done
  [[ ${#names[@]} -gt 0 ]] || names=("${DEFAULT_BUILD_ORDER[@]}")

  require_root
  apt_install debootstrap debian-archive-keyring
  docker info >/dev/null 2>&1 || die "docker engine not answering: run scripts/docker/ensure-engine.sh first"
  for name in "${names[@]}"; do
    build_base_image "${name}"
  done
}

main "$@"
