#!/usr/bin/env bash
# Builds the local Debian base images with debootstrap + `docker import` (no registry can be pulled from here), each
# from its own Debian release (the table is BASE_IMAGES in lib.sh):
#   migration/python-base:2.7-bullseye  bullseye minbase + ca-certificates, python2.7, python-is-python2, and pip
#                                       20.3.4, setuptools 44.1.1, wheel 0.37.1 (the last for 2.7) from PyPI
#   migration/python-base:3.13-trixie   trixie minbase + ca-certificates, python3, python3-pip, python3-venv,
#                                       python-is-python3
#   migration/debian-base:bookworm      bookworm minbase + ca-certificates
# The Python bases are built first: the demo app images wait for them.
#
# Usage: build-base-images.sh [--force] [python2-base|python3-base|debian-base ...]     (default: all three)
#   --force  re-run debootstrap even when the image and the cached rootfs tarball exist.
#
# Caching, cheapest first: an existing image tag is kept as is; a missing tag is re-imported from the cached rootfs
# tarball ($MIGRATION_CACHE_DIR/rootfs/, keyed by suite, package list, recipe and extra CAs); only then does
# debootstrap run, reusing downloaded .debs from $MIGRATION_CACHE_DIR/debs.
#
# Every base also trusts the build host's extra CA certificates (see MIGRATION_EXTRA_CA_DIR below).
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
readonly ROOTFS_RECIPE_VERSION=3
readonly DEFAULT_BUILD_ORDER=(python2-base python3-base debian-base)

# pip for Python 2.7. Debian's python-pip-whl is broken on 2.7 and bootstrap.pypa.io is unreachable from here, so the
# wheels of the last releases for 2.7 come from PyPI, pinned by hash, and pip installs itself from them.
readonly PYTHON2_PIP_WHEELS=(
  "pip==20.3.4 --hash=sha256:217ae5161a0e08c0fb873858806e3478c9775caffce5168b50ec885e358c199d"
  "setuptools==44.1.1 --hash=sha256:27a714c09253134e60a6fa68130f78c7037e5562c4f21f8f318f2ae900d152d5"
  "wheel==0.37.1 --hash=sha256:4bdcd7d840138086126cd09254dc6195fb4fc6f01c050a1d7236f2630db1d22a"
)

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
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

# What an image installs besides its Debian packages, for its cache key.
image_extras() {
  if [[ $1 == python2-base ]]; then printf '%s\n' "${PYTHON2_PIP_WHEELS[@]}"; fi
}

# cache_key NAME SUITE PACKAGES: the cached tarball is reused only for the same suite, mirror, packages, extras,
# recipe and extra CAs.
cache_key() {
  local name=$1 suite=$2 packages=$3 ca_digest
  ca_digest=$(extra_ca_files | xargs -r cat | sha256sum | cut -c1-16)
  printf '%s|%s|%s|%s|%s|%s' "${suite}" "${DEBIAN_MIRROR}" "${packages}" "$(image_extras "${name}")" \
    "${ROOTFS_RECIPE_VERSION}" "${ca_digest}" | sha256sum | cut -c1-12
}

# run_debootstrap ROOTFS SUITE PACKAGES
run_debootstrap() {
  local rootfs=$1 suite=$2 packages=$3
  mkdir -p "${DEB_CACHE}"
  # minbase: only Essential + apt, the usual container base. Only Depends are resolved (no Recommends).
  debootstrap --variant=minbase --include="${packages}" --cache-dir="${DEB_CACHE}" \
    "${suite}" "${rootfs}" "${DEBIAN_MIRROR}" >"${rootfs}.debootstrap.log" 2>&1 || {
    tail -n 30 "${rootfs}.debootstrap.log" >&2
    die "debootstrap failed (full log: ${rootfs}.debootstrap.log)"
  }
  rm -f "${rootfs}.debootstrap.log"
}

# Container conventions, the same ones the official Debian images ship, so Dockerfiles FROM these bases behave as
# people expect.
# configure_rootfs_for_containers ROOTFS SUITE
configure_rootfs_for_containers() {
  local rootfs=$1 suite=$2
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
Suites: ${suite} ${suite}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_MIRROR%/debian}/debian-security
Suites: ${suite}-security
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

# Installs pip, setuptools and wheel for Python 2.7 from the pinned wheels, and points pip at the system's CA bundle:
# pip 20.3 trusts only the bundle it carries (certifi's), which lacks the extra CAs added above.
install_python2_pip() {
  local rootfs=$1 wheels=/tmp/python2-pip-wheels log="$1.pip.log" pins=() pin
  for pin in "${PYTHON2_PIP_WHEELS[@]}"; do pins+=("${pin%% *}"); done
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  mkdir -p "${rootfs}${wheels}"
  printf '%s\n' "${PYTHON2_PIP_WHEELS[@]}" >"${rootfs}${wheels}/requirements.txt"
  python3 -m pip download --disable-pip-version-check --require-hashes --only-binary=:all: --python-version 2.7 \
    --no-deps --dest "${rootfs}${wheels}" --requirement "${rootfs}${wheels}/requirements.txt" >"${log}" 2>&1 || {
    tail -n 30 "${log}" >&2
    die "downloading ${pins[*]} for Python 2.7 failed (full log: ${log})"
  }
  # pip (the first pin) runs from its own wheel to install itself, as get-pip.py does.
  chroot "${rootfs}" /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    python2.7 "${wheels}/${pins[0]/==/-}-py2.py3-none-any.whl/pip" install --no-cache-dir --disable-pip-version-check \
    --no-index --find-links "${wheels}" "${pins[@]}" >>"${log}" 2>&1 || {
    tail -n 30 "${log}" >&2
    die "installing ${pins[*]} into ${rootfs} failed (full log: ${log})"
  }
  rm -rf "${rootfs}${wheels}" "${log}"
  printf '%s\n' '[global]' 'cert = /etc/ssl/certs/ca-certificates.crt' >"${rootfs}/etc/pip.conf"
  log_step "python2-base: installed ${pins[*]} from PyPI's wheels"
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
# build_rootfs_tarball NAME SUITE PACKAGES TARBALL
build_rootfs_tarball() {
  local name=$1 suite=$2 packages=$3 tarball=$4 rootfs step_started
  rootfs="${ROOTFS_CACHE}/work-${name}"
  rm -rf "${rootfs}"
  mkdir -p "${rootfs}"

  step_started=$(date +%s)
  log_step "${name}: debootstrap --variant=minbase ${suite} (+ ${packages})"
  run_debootstrap "${rootfs}" "${suite}" "${packages}"
  log_step "${name}: debootstrap done in $(seconds_since "${step_started}")s"

  step_started=$(date +%s)
  configure_rootfs_for_containers "${rootfs}" "${suite}"
  log_step "${name}: apt-get dist-upgrade from ${suite}-updates and -security"
  upgrade_rootfs_packages "${rootfs}"
  install_extra_ca_certificates "${rootfs}"
  if [[ ${name} == python2-base ]]; then install_python2_pip "${rootfs}"; fi
  strip_rootfs "${rootfs}"
  log_step "${name}: upgrade + cleanup done in $(seconds_since "${step_started}")s"

  step_started=$(date +%s)
  tar --numeric-owner --xattrs -C "${rootfs}" -cf "${tarball}.partial" .
  # Tarballs of older recipes for this image can never be used again: keep one per image.
  find "${ROOTFS_CACHE}" -maxdepth 1 -name "${name}-${suite}-*.tar" ! -name "$(basename "${tarball}")" -delete
  mv -f "${tarball}.partial" "${tarball}"
  rm -rf "${rootfs}"
  log_step "${name}: rootfs tarball $(du -h "${tarball}" | cut -f1) written in $(seconds_since "${step_started}")s"
}

# import_tarball NAME TAG SUITE TARBALL
import_tarball() {
  local name=$1 tag=$2 suite=$3 tarball=$4 step_started extra_cas
  step_started=$(date +%s)
  extra_cas=$(extra_ca_files | xargs -r -n1 basename | paste -sd, -)
  # docker import drops all image config; restore what an official Debian image sets.
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    --change "LABEL org.migration.extra-ca-certificates=\"${extra_cas:-none}\"" \
    --message "debootstrap ${suite} minbase via scripts/docker/build-base-images.sh" \
    "${tarball}" "${tag}" >/dev/null
  log_step "${name}: imported ${tag} in $(seconds_since "${step_started}")s"
}

build_base_image() {
  local name=$1 tag suite packages tarball
  tag=$(base_image_tag "${name}")
  suite=$(base_image_field "${name}" 2)
  packages=$(base_image_field "${name}" 3)
  tarball="${ROOTFS_CACHE}/${name}-${suite}-$(cache_key "${name}" "${suite}" "${packages}").tar"

  if [[ ${FORCE} -eq 0 ]] && image_exists "${tag}"; then
    log_step "${name}: ${tag} exists, skipped"
    return 0
  fi
  mkdir -p "${ROOTFS_CACHE}"
  if [[ ${FORCE} -eq 1 || ! -s ${tarball} ]]; then
    build_rootfs_tarball "${name}" "${suite}" "${packages}" "${tarball}"
  else
    log_step "${name}: reusing cached rootfs ${tarball}"
  fi
  import_tarball "${name}" "${tag}" "${suite}" "${tarball}"
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
