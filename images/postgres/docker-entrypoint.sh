#!/usr/bin/env bash
# Entrypoint of migration/postgres: the subset of the official postgres image's behaviour the platform uses.
#  - first start on an empty $PGDATA: initdb with POSTGRES_USER / POSTGRES_PASSWORD, create POSTGRES_DB,
#    run /docker-entrypoint-initdb.d/*.sql|*.sh, require scram-sha-256 for every TCP client, listen on all addresses;
#  - every later start (same volume, new container): no initialisation; the data is used as is, and the superuser's
#    password is set to POSTGRES_PASSWORD when one is given (the platform generates it, and a deploy that finds data
#    kept from an earlier one brings a new password);
#  - postgres is exec'd, so it is PID 1 and receives `docker stop`'s signal directly.
# Any other command (`docker run IMAGE psql ...`) is exec'd unchanged.
set -Eeuo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"

log() { printf '%s [entrypoint] %s\n' "$(date -u +'%Y-%m-%d %H:%M:%S UTC')" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Runs as root only long enough to give the (possibly freshly mounted, root-owned) volume to postgres, then re-execs
# itself as postgres: the server refuses to run as root.
drop_privileges() {
  mkdir -p "${PGDATA}" /var/run/postgresql
  # Only chown what is not already postgres-owned: a large existing data dir must not be walked in full at every start.
  find "${PGDATA}" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
  chmod 0700 "${PGDATA}"
  chmod 2775 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "${BASH_SOURCE[0]}" "$@"
}

database_is_initialised() {
  [[ -s ${PGDATA}/PG_VERSION ]]
}

run_initdb() {
  local pwfile
  [[ -n ${POSTGRES_PASSWORD:-} ]] || die "POSTGRES_PASSWORD is empty and the data directory ${PGDATA} is not initialised.
  Set POSTGRES_PASSWORD: the server only accepts password (scram-sha-256) logins over TCP."
  log "initialising database cluster in ${PGDATA} (superuser ${POSTGRES_USER})"
  # The password goes through a private temporary file, never the command line (visible in ps).
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD}" >"${pwfile}"
  initdb --pgdata="${PGDATA}" --username="${POSTGRES_USER}" --pwfile="${pwfile}" \
    --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256
  rm -f "${pwfile}"

  # initdb's host lines only cover loopback; containers connect from the Docker network.
  printf '\n# Added by the migration/postgres entrypoint: password logins from any address.\nhost all all all scram-sha-256\n' \
    >>"${PGDATA}/pg_hba.conf"
  printf "\n# Added by the migration/postgres entrypoint.\nlisten_addresses = '*'\npassword_encryption = 'scram-sha-256'\n" \
    >>"${PGDATA}/postgresql.conf"
}

# A server reachable only through the Unix socket while the database and init scripts are set up, so no client can
# connect to a half-initialised database over the network.
with_private_server() {
  pg_ctl --pgdata="${PGDATA}" --options="-c listen_addresses=''" --wait --silent start
  "$@"
  pg_ctl --pgdata="${PGDATA}" --mode=fast --wait --silent stop
}

create_database_and_run_init_scripts() {
  local script
  local -a psql_cmd=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER}")
  if [[ ${POSTGRES_DB} != postgres ]]; then
    log "creating database ${POSTGRES_DB}"
    # :"db" makes psql quote the name as an identifier, so any database name is safe.
    "${psql_cmd[@]}" --dbname postgres --set db="${POSTGRES_DB}" <<<'CREATE DATABASE :"db";'
  fi
  for script in /docker-entrypoint-initdb.d/*; do
    [[ -e ${script} ]] || continue
    case "${script}" in
      *.sql) log "running ${script}"; "${psql_cmd[@]}" --dbname "${POSTGRES_DB}" -f "${script}" ;;
      *.sh) log "running ${script}"; bash "${script}" ;;
      *) log "ignoring ${script} (only .sql and .sh are run)" ;;
    esac
  done
}

# The password the platform hands over is the one that counts: data kept by a destroy (retainOnDestroy) and found again
# by a new deploy was initialised with the old stack's password, which that deploy does not know. Read by psql from the
# environment (\getenv), never from the command line (visible in ps); the server stores only its SCRAM hash.
sync_password() {
  psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER}" --dbname postgres <<'SQL'
\getenv password POSTGRES_PASSWORD
ALTER ROLE CURRENT_USER PASSWORD :'password';
SQL
}

main() {
  # `docker run IMAGE -c foo=bar` means "postgres -c foo=bar", as in the official image.
  if [[ $# -eq 0 || ${1} == -* ]]; then
    set -- postgres "$@"
  fi
  if [[ ${1} != postgres ]]; then
    exec "$@"
  fi

  if [[ $(id -u) -eq 0 ]]; then
    drop_privileges "$@"
  fi

  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=${POSTGRES_USER}}"
  export POSTGRES_USER POSTGRES_DB
  if database_is_initialised; then
    log "database cluster in ${PGDATA} already initialised (PostgreSQL $(<"${PGDATA}/PG_VERSION")); skipping initialisation"
    if [[ -n ${POSTGRES_PASSWORD:-} ]]; then
      log "setting ${POSTGRES_USER}'s password to the one given"
      with_private_server sync_password
    fi
  else
    run_initdb
    with_private_server create_database_and_run_init_scripts
    log "initialisation complete"
  fi
  unset POSTGRES_PASSWORD
  exec "$@"
}

main "$@"
