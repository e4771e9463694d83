#!/usr/bin/env bash
# Contract suite: the legacy Flask service and its FastAPI port, each a real process on loopback,
# against a throwaway PostgreSQL started here, must answer alike.
#
#   apps/contract/run.sh [pytest arguments...]
#
# Each app runs from its image, on the Python it runs on in production (Flask on 2.7, FastAPI on
# 3.12+), and so does the migration job; scripts/docker/build-images.sh first builds an image that
# is missing or older than its sources (seconds when up to date). Without Docker both apps run from
# the suite's virtualenv, on its Python 3, with a warning; MIGRATION_REQUIRE_ENGINE_TESTS=1 makes
# that an error. The suite itself (pytest, httpx) runs from a virtualenv outside the work tree,
# keyed by the requirements files. Runs the migrations and the suite, stops everything, and exits
# with pytest's status. On Debian as root it installs the missing system packages (postgresql,
# python3-venv) and runs PostgreSQL as `postgres`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APPS="$(dirname "$HERE")"
DOCKER_SCRIPTS="$(dirname "$APPS")/scripts/docker"
REQUIREMENTS=("$APPS/legacy-flask/requirements.txt" "$APPS/fastapi/requirements.txt" "$HERE/requirements.txt")
PYTHON="${PYTHON:-python3}"
# Bounds, so that a hung service or database can never hold a CI run.
SUITE_TIMEOUT_SECONDS="${CONTRACT_SUITE_TIMEOUT_SECONDS:-900}"
PIP_TIMEOUT_SECONDS=600
POSTGRES_START_TIMEOUT_SECONDS=60
DB_USER=contract
DB_PASSWORD=contract
DB_NAME=contract
# The harness names every container it starts <prefix>-...; the exit removes those still there.
CONTAINER_PREFIX="contract-$$"

log() { printf '[contract] %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user.
as_db_owner() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Debian's newest installed PostgreSQL (its binaries are not on PATH), else whatever pg_config names.
postgres_bindir() {
  local newest
  newest="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$newest" ]; then echo "$newest"; return; fi
  if command -v pg_config >/dev/null 2>&1; then pg_config --bindir; fi
}

install_system_packages() {
  local missing=()
  [ -n "$(postgres_bindir)" ] || missing+=(postgresql)
  "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] && return
  if is_root && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing: ${missing[*]} (install them, or run as root on Debian)"
    exit 2
  fi
}

# The virtualenv lives outside the work tree and is rebuilt whenever a requirements file or the
# interpreter changes; the marker file is written only after a complete install.
ensure_virtualenv() {
  local key
  key="$({ cat "${REQUIREMENTS[@]}"; "$PYTHON" -VV; } | sha256sum | cut -c1-16)"
  VENV="${XDG_CACHE_HOME:-$HOME/.cache}/migration-apps-venv/$key"
  if [ -f "$VENV/.installed" ]; then
    log "reusing virtualenv $VENV"
    return
  fi
  log "creating virtualenv $VENV"
  # Older virtualenvs (other requirements) are never used again: do not let them pile up.
  rm -rf "$(dirname "$VENV")"
  "$PYTHON" -m venv "$VENV"
  local requirement_args=()
  for file in "${REQUIREMENTS[@]}"; do requirement_args+=(-r "$file"); done
  timeout "$PIP_TIMEOUT_SECONDS" "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    --only-binary=:all: "${requirement_args[@]}"
  touch "$VENV/.installed"
}

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_postgres() {
  local bindir
  bindir="$(postgres_bindir)"
  PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/contract-postgres.XXXXXX")"
  if is_root; then chown postgres "$PG_DIR"; fi
  printf '%s\n' "$DB_PASSWORD" >"$PG_DIR/password"
  PG_PORT="$(free_port)"
  log "starting PostgreSQL ($("$bindir/postgres" --version)) on 127.0.0.1:$PG_PORT"
  # Run from the data's own directory: the caller's may not be readable by the postgres user.
  (
    cd "$PG_DIR"
    as_db_owner "$bindir/initdb" --pgdata="$PG_DIR/data" --username="$DB_USER" --pwfile="$PG_DIR/password" \
      --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >"$PG_DIR/initdb.log"
    as_db_owner "$bindir/pg_ctl" --pgdata="$PG_DIR/data" --log="$PG_DIR/postgres.log" --wait \
      --timeout="$POSTGRES_START_TIMEOUT_SECONDS" \
      -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off" \
      start >/dev/null
    as_db_owner "$bindir/createdb" --host="$PG_DIR" --port="$PG_PORT" --username="$DB_USER" "$DB_NAME"
  )
  PG_BINDIR="$bindir"
}

# app_image_tag NAME: the tag build-images.sh gives apps/NAME's image, where it is spelled.
app_image_tag() {
  bash -c 'source "$1" && app_image_tag "$2"' app_image_tag "$DOCKER_SCRIPTS/lib.sh" "$1"
}

# Builds the apps' images when missing or out of date. Building needs root: otherwise sudo, or, when
# neither is at hand, images built earlier (which may predate the work tree).
build_app_images() {
  local build=(bash "$DOCKER_SCRIPTS/build-images.sh" python2-base python3-base legacy-flask fastapi)
  log "the apps' images, built when missing or older than their sources (scripts/docker/build-images.sh)"
  if is_root; then
    "${build[@]}" >&2
  elif sudo -n true 2>/dev/null; then
    sudo -n "${build[@]}" >&2
  elif docker image inspect "$FLASK_IMAGE" "$FASTAPI_IMAGE" >/dev/null 2>&1; then
    log "WARNING: not root and no sudo: $FLASK_IMAGE and $FASTAPI_IMAGE used as they are," \
      "maybe older than the work tree"
  else
    log "building $FLASK_IMAGE and $FASTAPI_IMAGE needs root (or sudo)"
    exit 2
  fi
}

# python_of IMAGE: the Python version the image runs (python2 prints it on stderr).
python_of() {
  docker run --rm "$1" python --version 2>&1
}

# Sets CONTRACT_FLASK_IMAGE and CONTRACT_FASTAPI_IMAGE when the apps can run from their images, and
# says which Python each app runs on.
choose_app_runtime() {
  if docker info >/dev/null 2>&1; then
    FLASK_IMAGE="$(app_image_tag legacy-flask)"
    FASTAPI_IMAGE="$(app_image_tag fastapi)"
    build_app_images
    export CONTRACT_FLASK_IMAGE="$FLASK_IMAGE" CONTRACT_FASTAPI_IMAGE="$FASTAPI_IMAGE"
    export CONTRACT_CONTAINER_PREFIX="$CONTAINER_PREFIX"
    log "Flask runs $(python_of "$FLASK_IMAGE") ($FLASK_IMAGE)," \
      "FastAPI and its migrations $(python_of "$FASTAPI_IMAGE") ($FASTAPI_IMAGE)"
  elif [ "${MIGRATION_REQUIRE_ENGINE_TESTS:-}" = 1 ]; then
    log "error: Docker does not answer, and MIGRATION_REQUIRE_ENGINE_TESTS=1 needs the apps to run" \
      "from their images (scripts/docker/ensure-engine.sh starts it)"
    exit 2
  else
    log "WARNING: Docker does not answer: Flask and FastAPI run from the virtualenv on" \
      "$("$VENV/bin/python" --version), so Flask is NOT on Python 2.7 as in production" \
      "(scripts/docker/ensure-engine.sh starts Docker)"
  fi
}

# Containers of services the harness had to kill (their docker CLI, not the container) outlive it.
remove_containers() {
  local names
  [ -n "${CONTRACT_CONTAINER_PREFIX:-}" ] || return 0
  names="$(docker ps -a --format '{{.Names}}' --filter "name=^${CONTAINER_PREFIX}-" 2>/dev/null || true)"
  [ -n "$names" ] || return 0
  log "removing containers left running: $(paste -sd ' ' - <<<"$names")"
  xargs docker rm -f <<<"$names" >/dev/null || true
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    (cd "$PG_DIR" && as_db_owner "$PG_BINDIR/pg_ctl" --pgdata="$PG_DIR/data" --mode=fast --wait stop >/dev/null) || true
  fi
  if [ -n "${PG_DIR:-}" ]; then rm -rf "$PG_DIR"; fi
}

clean_up() {
  remove_containers
  stop_postgres
}

main() {
  install_system_packages
  ensure_virtualenv
  choose_app_runtime
  trap clean_up EXIT
  # Turn signals into an exit, so the EXIT trap stops PostgreSQL (and the containers) then too.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  start_postgres
  cd "$HERE"
  local status=0
  CONTRACT_DATABASE_URL="postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME" \
    PYTHONDONTWRITEBYTECODE=1 \
    timeout --kill-after=30 "$SUITE_TIMEOUT_SECONDS" "$VENV/bin/python" -m pytest "$@" || status=$?
  if [ "$status" -eq 124 ]; then log "the suite did not finish within ${SUITE_TIMEOUT_SECONDS}s"; fi
  return "$status"
}

main "$@"
