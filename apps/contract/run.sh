#!/usr/bin/env bash
# Contract suite: the legacy Flask service and its FastAPI port, each a real process on loopback,
# against a throwaway PostgreSQL started here, must answer alike.
#
#   apps/contract/run.sh [pytest arguments...]
#
# Creates (or reuses) a virtualenv outside the work tree, keyed by the requirements files, runs the
# migrations and the suite, stops everything, and exits with pytest's status. On Debian as root it
# installs the missing system packages (postgresql, python3-venv) and runs PostgreSQL as `postgres`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APPS="$(dirname "$HERE")"
REQUIREMENTS=("$APPS/legacy-flask/requirements.txt" "$APPS/fastapi/requirements.txt" "$HERE/requirements.txt")
PYTHON="${PYTHON:-python3}"
# Bounds, so that a hung service or database can never hold a CI run.
SUITE_TIMEOUT_SECONDS="${CONTRACT_SUITE_TIMEOUT_SECONDS:-900}"
PIP_TIMEOUT_SECONDS=600
POSTGRES_START_TIMEOUT_SECONDS=60
DB_USER=contract
DB_PASSWORD=contract
DB_NAME=contract

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

stop_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    (cd "$PG_DIR" && as_db_owner "$PG_BINDIR/pg_ctl" --pgdata="$PG_DIR/data" --mode=fast --wait stop >/dev/null) || true
  fi
  if [ -n "${PG_DIR:-}" ]; then rm -rf "$PG_DIR"; fi
}

main() {
  install_system_packages
  ensure_virtualenv
  trap stop_postgres EXIT
  # Turn signals into an exit, so the EXIT trap stops PostgreSQL then too.
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
