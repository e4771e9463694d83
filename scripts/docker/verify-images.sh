#!/usr/bin/env bash
# Smoke-tests the images built by build-images.sh against the contracts the Pulumi program relies on.
#
# Usage: verify-images.sh [postgres|nginx-lua|traefik|prometheus|alertmanager|postgres-exporter|loki|promtail ...]
#        (default: all)
#
#   postgres    starts on a fresh volume, accepts a scram-sha-256 password login from the host (psql), rejects a wrong
#               password, runs postgres as PID 1, stops quickly, and keeps the data when the container is replaced
#               on the same volume (without re-initialising);
#   nginx-lua   `nginx -t` with a config that loads the Lua module and requires cjson, then serves a Lua-generated
#               JSON response; entrypoint exactly as contracted; sh, cp, mv present;
#   traefik     `traefik version`; serves /ping with a minimal static config; sh, cp, mv present;
#   prometheus  `prometheus --version`, `promtool --version`; starts with a config and reports ready; sh, cat, mv
#               present (the platform writes the weight rules with this image);
#   alertmanager       `--version`, `amtool --version`; starts with the platform's flags on a fresh /alertmanager
#                      volume, reports ready, and answers the platform's health check; runs as a non-root user;
#   postgres-exporter  `--version`; reads DATA_SOURCE_NAME and serves /metrics on :9187 (pg_up 0 without a database);
#                      runs as a non-root user.
#   loki        `loki -version`; runs as a non-root user; starts with a single-process config on a fresh /loki volume,
#               answers the platform's health check (wget /ready), takes a pushed line and returns it to a query;
#   promtail    `promtail -version`; wget present; `-check-syntax` accepts a Docker-discovery config.
#
# Every container, volume and temp dir it creates is named migration-verify-<pid>-* and removed on exit.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${TRAEFIK_VERSION:=$(sed -n 's/^readonly DEFAULT_TRAEFIK_VERSION=//p' "$(dirname "${BASH_SOURCE[0]}")/build-traefik-binary.sh")}"
: "${LOKI_VERSION:=$(sed -n 's/^readonly DEFAULT_LOKI_VERSION=//p' "$(dirname "${BASH_SOURCE[0]}")/build-loki-binaries.sh")}"
readonly POSTGRES_IMAGE=migration/postgres:15-bookworm
readonly NGINX_IMAGE=migration/nginx-lua:1.22-bookworm
readonly TRAEFIK_IMAGE="migration/traefik:${TRAEFIK_VERSION}"
readonly PROMETHEUS_IMAGE=migration/prometheus:2.42-bookworm
readonly ALERTMANAGER_IMAGE=migration/alertmanager:0.25-bookworm
readonly POSTGRES_EXPORTER_IMAGE=migration/postgres-exporter:0.11-bookworm
readonly LOKI_IMAGE="migration/loki:${LOKI_VERSION}"
readonly PROMTAIL_IMAGE="migration/promtail:${LOKI_VERSION}"
readonly PREFIX="migration-verify-$$"
: "${READY_TIMEOUT:=60}"

WORK_DIR=$(mktemp -d "/tmp/${PREFIX}.XXXXXX")
RESULTS=()
FAILED=0

cleanup() {
  docker ps -aq --filter "name=^${PREFIX}-" 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker volume ls -q --filter "name=^${PREFIX}-" 2>/dev/null | xargs -r docker volume rm -f >/dev/null 2>&1 || true
  rm -rf "${WORK_DIR}"
}
trap cleanup EXIT

pass() { RESULTS+=("PASS  $*"); log_step "PASS  $*"; }
fail() {
  RESULTS+=("FAIL  $*")
  log_step "FAIL  $*"
  FAILED=1
}

# wait_until DESCRIPTION COMMAND...: polls COMMAND every 0.5 s for at most READY_TIMEOUT seconds.
wait_until() {
  local what=$1 deadline
  shift
  deadline=$(($(date +%s) + READY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if (($(date +%s) >= deadline)); then
      log_step "timed out after ${READY_TIMEOUT}s waiting for ${what}"
      return 1
    fi
    sleep 0.5
  done
}

host_port() {
  docker port "$1" "$2" | head -n1 | sed 's/.*://'
}

container_logs_tail() {
  docker logs --tail 20 "$1" 2>&1 | sed 's/^/    | /' >&2 || true
}

has_tools_sh_cp_mv() {
  docker run --rm --entrypoint sh "$1" -c 'command -v sh && command -v cp && command -v mv' >/dev/null
}

verify_postgres() {
  local volume="${PREFIX}-pgdata" c1="${PREFIX}-pg1" c2="${PREFIX}-pg2" port password='s3cret pass' started
  local -a env=(-e POSTGRES_USER=migration -e POSTGRES_PASSWORD="${password}" -e POSTGRES_DB=app)
  image_exists "${POSTGRES_IMAGE}" || { fail "postgres: image ${POSTGRES_IMAGE} missing"; return; }
  docker volume create "${volume}" >/dev/null

  docker run -d --name "${c1}" "${env[@]}" -v "${volume}:/var/lib/postgresql/data" -p 127.0.0.1::5432 \
    "${POSTGRES_IMAGE}" >/dev/null
  port=$(host_port "${c1}" 5432)
  if ! wait_until "postgres to accept TCP connections" docker exec "${c1}" pg_isready -h 127.0.0.1 -U migration -d app; then
    container_logs_tail "${c1}"
    fail "postgres: not ready within ${READY_TIMEOUT}s"
    return
  fi
  pass "postgres: first start initialised the volume and pg_isready answers"

  # shellcheck disable=SC2016  # $$...$$ is SQL dollar quoting, not a shell expansion
  if PGPASSWORD="${password}" psql -h 127.0.0.1 -p "${port}" -U migration -d app -v ON_ERROR_STOP=1 -qAt \
    -c 'CREATE TABLE survivors (id int PRIMARY KEY, note text); INSERT INTO survivors VALUES (1, $$written before replacement$$);' \
    >/dev/null; then
    pass "postgres: password login from the host (127.0.0.1:${port}) as migration@app, table written"
  else
    fail "postgres: password login from the host failed"
  fi
  if PGPASSWORD=wrong psql -h 127.0.0.1 -p "${port}" -U migration -d app -c 'SELECT 1' >/dev/null 2>&1; then
    fail "postgres: a wrong password was accepted"
  else
    pass "postgres: wrong password rejected"
  fi
  if [[ $(PGPASSWORD="${password}" psql -h 127.0.0.1 -p "${port}" -U migration -d app -qAt \
    -c "SELECT rolpassword LIKE 'SCRAM-SHA-256\$%' FROM pg_authid WHERE rolname = 'migration'") == t ]] \
    && docker exec "${c1}" grep -q '^host all all all scram-sha-256' /var/lib/postgresql/data/pg_hba.conf; then
    pass "postgres: password stored as SCRAM-SHA-256, pg_hba requires scram-sha-256 for all hosts"
  else
    fail "postgres: scram-sha-256 not enforced"
  fi
  if [[ $(docker exec "${c1}" cat /proc/1/comm) == postgres && $(docker exec "${c1}" stat -c %U /proc/1) == postgres ]]; then
    pass "postgres: PID 1 is postgres, running as user postgres"
  else
    fail "postgres: PID 1 is $(docker exec "${c1}" cat /proc/1/comm) (expected postgres)"
  fi

  started=$(date +%s)
  docker stop -t 30 "${c1}" >/dev/null
  if docker logs "${c1}" 2>&1 | grep -q 'database system is shut down' \
    && [[ $(docker inspect --format '{{.State.ExitCode}}' "${c1}") == 0 ]]; then
    pass "postgres: docker stop shut down cleanly (exit 0) in $(seconds_since "${started}")s"
  else
    container_logs_tail "${c1}"
    fail "postgres: unclean shutdown (exit $(docker inspect --format '{{.State.ExitCode}}' "${c1}"))"
  fi
  docker rm "${c1}" >/dev/null

  # Replacement: a new container on the same volume must neither re-initialise nor lose data. The password env is
  # deliberately different: it must be ignored once the cluster exists, as with the official image.
  docker run -d --name "${c2}" -e POSTGRES_USER=migration -e POSTGRES_PASSWORD=ignored -e POSTGRES_DB=app \
    -v "${volume}:/var/lib/postgresql/data" -p 127.0.0.1::5432 "${POSTGRES_IMAGE}" >/dev/null
  port=$(host_port "${c2}" 5432)
  if ! wait_until "replacement postgres" docker exec "${c2}" pg_isready -h 127.0.0.1 -U migration -d app; then
    container_logs_tail "${c2}"
    fail "postgres: replacement container not ready"
    return
  fi
  if docker logs "${c2}" 2>&1 | grep -q 'already initialised' \
    && [[ $(PGPASSWORD="${password}" psql -h 127.0.0.1 -p "${port}" -U migration -d app -qAt \
      -c 'SELECT note FROM survivors WHERE id = 1') == 'written before replacement' ]]; then
    pass "postgres: replacement container on the same volume kept the data and skipped initdb"
  else
    container_logs_tail "${c2}"
    fail "postgres: data not preserved across container replacement"
  fi

  # `docker stop` sends the image's STOPSIGNAL (SIGINT); orchestrators and humans also send SIGTERM to PID 1.
  docker kill --signal TERM "${c2}" >/dev/null
  if wait_until "postgres to exit on SIGTERM" bash -c "[[ \$(docker inspect --format '{{.State.Running}}' ${c2}) == false ]]" \
    && [[ $(docker inspect --format '{{.State.ExitCode}}' "${c2}") == 0 ]]; then
    pass "postgres: SIGTERM to PID 1 shuts the server down cleanly (exit 0)"
  else
    container_logs_tail "${c2}"
    fail "postgres: SIGTERM did not stop the server cleanly"
  fi
}

verify_nginx_lua() {
  local conf_dir="${WORK_DIR}/nginx" c="${PREFIX}-nginx" port body entrypoint
  image_exists "${NGINX_IMAGE}" || { fail "nginx-lua: image ${NGINX_IMAGE} missing"; return; }
  entrypoint=$(docker image inspect --format '{{json .Config.Entrypoint}}' "${NGINX_IMAGE}")
  if [[ ${entrypoint} == '["nginx","-c","/etc/nginx/migration/nginx.conf","-g","daemon off;"]' ]]; then
    pass "nginx-lua: entrypoint is nginx -c /etc/nginx/migration/nginx.conf -g 'daemon off;'"
  else
    fail "nginx-lua: unexpected entrypoint ${entrypoint}"
  fi
  if has_tools_sh_cp_mv "${NGINX_IMAGE}"; then pass "nginx-lua: sh, cp, mv present"; else fail "nginx-lua: sh/cp/mv missing"; fi
  if docker run --rm --entrypoint sh "${NGINX_IMAGE}" -c 'test ! -e /etc/nginx/sites-enabled/default'; then
    pass "nginx-lua: Debian default site removed"
  else
    fail "nginx-lua: /etc/nginx/sites-enabled/default still present"
  fi

  mkdir -p "${conf_dir}"
  cat >"${conf_dir}/nginx.conf" <<'EOF'
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
events {}
http {
  init_by_lua_block { cjson = require("cjson") }
  server {
    listen 8080;
    location / {
      default_type application/json;
      content_by_lua_block { ngx.say(cjson.encode({ backend = "lua", ok = true })) }
    }
  }
}
EOF
  chmod -R a+rX "${conf_dir}"
  if docker run --rm -v "${conf_dir}:/etc/nginx/migration:ro" "${NGINX_IMAGE}" -t >"${WORK_DIR}/nginx-t.log" 2>&1; then
    pass "nginx-lua: nginx -t passes with load_module ndk + lua and init_by_lua require(\"cjson\")"
  else
    sed 's/^/    | /' "${WORK_DIR}/nginx-t.log" >&2
    fail "nginx-lua: nginx -t failed"
    return
  fi
  docker run -d --name "${c}" -v "${conf_dir}:/etc/nginx/migration:ro" -p 127.0.0.1::8080 "${NGINX_IMAGE}" >/dev/null
  port=$(host_port "${c}" 8080)
  if wait_until "nginx on :${port}" curl -fsS "http://127.0.0.1:${port}/" \
    && body=$(curl -fsS "http://127.0.0.1:${port}/") && [[ ${body} == *'"ok":true'* ]]; then
    pass "nginx-lua: serves a cjson-encoded response from content_by_lua (${body})"
  else
    container_logs_tail "${c}"
    fail "nginx-lua: Lua/cjson response not served"
  fi
}

verify_traefik() {
  local conf_dir="${WORK_DIR}/traefik" c="${PREFIX}-traefik" port version
  image_exists "${TRAEFIK_IMAGE}" || { fail "traefik: image ${TRAEFIK_IMAGE} missing"; return; }
  if version=$(docker run --rm --entrypoint traefik "${TRAEFIK_IMAGE}" version 2>&1) \
    && [[ ${version} == *"${TRAEFIK_VERSION}"* ]]; then
    pass "traefik: traefik version reports ${TRAEFIK_VERSION}"
  else
    printf '%s\n' "${version}" | sed 's/^/    | /' >&2
    fail "traefik: traefik version failed"
  fi
  if has_tools_sh_cp_mv "${TRAEFIK_IMAGE}"; then pass "traefik: sh, cp, mv present"; else fail "traefik: sh/cp/mv missing"; fi

  mkdir -p "${conf_dir}"
  printf '%s\n' 'entryPoints:' '  web:' '    address: ":8080"' 'ping:' '  entryPoint: web' \
    'providers:' '  file:' '    directory: /etc/traefik/dynamic' '    watch: true' >"${conf_dir}/traefik.yml"
  mkdir -p "${conf_dir}/dynamic"
  chmod -R a+rX "${conf_dir}"
  docker run -d --name "${c}" -v "${conf_dir}:/etc/traefik:ro" -p 127.0.0.1::8080 "${TRAEFIK_IMAGE}" >/dev/null
  port=$(host_port "${c}" 8080)
  if wait_until "traefik /ping" curl -fsS "http://127.0.0.1:${port}/ping"; then
    pass "traefik: starts with --configFile=/etc/traefik/traefik.yml and answers /ping"
  else
    container_logs_tail "${c}"
    fail "traefik: /ping not answered"
  fi
}

verify_prometheus() {
  local conf_dir="${WORK_DIR}/prometheus" c="${PREFIX}-prometheus" port out
  image_exists "${PROMETHEUS_IMAGE}" || { fail "prometheus: image ${PROMETHEUS_IMAGE} missing"; return; }
  if out=$(docker run --rm "${PROMETHEUS_IMAGE}" --version 2>&1) && [[ ${out} == *'version 2.42'* ]]; then
    pass "prometheus: prometheus --version: $(head -n1 <<<"${out}")"
  else
    fail "prometheus: --version failed: ${out}"
  fi
  if out=$(docker run --rm --entrypoint promtool "${PROMETHEUS_IMAGE}" --version 2>&1); then
    pass "prometheus: promtool --version: $(head -n1 <<<"${out}")"
  else
    fail "prometheus: promtool --version failed: ${out}"
  fi

  mkdir -p "${conf_dir}"
  printf '%s\n' 'global:' '  scrape_interval: 5s' 'scrape_configs:' '  - job_name: self' '    static_configs:' \
    "      - targets: ['localhost:9090']" >"${conf_dir}/prometheus.yml"
  chmod -R a+rX "${conf_dir}"
  docker run -d --name "${c}" -v "${conf_dir}/prometheus.yml:/etc/prometheus/prometheus.yml:ro" \
    -v "${PREFIX}-promdata:/prometheus" -p 127.0.0.1::9090 "${PROMETHEUS_IMAGE}" \
    --config.file=/etc/prometheus/prometheus.yml --storage.tsdb.path=/prometheus >/dev/null
  port=$(host_port "${c}" 9090)
  if wait_until "prometheus /-/ready" curl -fsS "http://127.0.0.1:${port}/-/ready"; then
    pass "prometheus: starts with the platform's flags on a fresh /prometheus volume and reports ready"
  else
    container_logs_tail "${c}"
    fail "prometheus: not ready"
  fi
  if docker run --rm --entrypoint sh "${PROMETHEUS_IMAGE}" -c 'command -v sh && command -v cat && command -v mv' >/dev/null; then
    pass "prometheus: sh, cat, mv present"
  else
    fail "prometheus: sh, cat or mv missing"
  fi
}

# runs_unprivileged NAME IMAGE: the image's user is not root.
runs_unprivileged() {
  local uid
  uid=$(docker run --rm --entrypoint id "$2" -u 2>&1) || true
  if [[ ${uid} =~ ^[0-9]+$ && ${uid} -ne 0 ]]; then
    pass "$1: runs as uid ${uid}"
  else
    fail "$1: runs as root or has no id(1): ${uid}"
  fi
}

verify_alertmanager() {
  local conf_dir="${WORK_DIR}/alertmanager" c="${PREFIX}-alertmanager" port out
  image_exists "${ALERTMANAGER_IMAGE}" || { fail "alertmanager: image ${ALERTMANAGER_IMAGE} missing"; return; }
  if out=$(docker run --rm "${ALERTMANAGER_IMAGE}" --version 2>&1) && [[ ${out} == *'version 0.25'* ]]; then
    pass "alertmanager: --version: $(head -n1 <<<"${out}")"
  else
    fail "alertmanager: --version failed: ${out}"
  fi
  if out=$(docker run --rm --entrypoint amtool "${ALERTMANAGER_IMAGE}" --version 2>&1); then
    pass "alertmanager: amtool --version: $(head -n1 <<<"${out}")"
  else
    fail "alertmanager: amtool --version failed: ${out}"
  fi
  runs_unprivileged alertmanager "${ALERTMANAGER_IMAGE}"

  mkdir -p "${conf_dir}"
  printf '%s\n' 'route:' '  receiver: "null"' 'receivers:' '  - name: "null"' >"${conf_dir}/alertmanager.yml"
  chmod -R a+rX "${conf_dir}"
  docker run -d --name "${c}" -v "${conf_dir}/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro" \
    -v "${PREFIX}-amdata:/alertmanager" -p 127.0.0.1::9093 "${ALERTMANAGER_IMAGE}" \
    --config.file=/etc/alertmanager/alertmanager.yml --storage.path=/alertmanager --web.listen-address=:9093 \
    --cluster.listen-address= >/dev/null
  port=$(host_port "${c}" 9093)
  if wait_until "alertmanager /-/ready" curl -fsS "http://127.0.0.1:${port}/-/ready"; then
    pass "alertmanager: starts with the platform's flags on a fresh /alertmanager volume and reports ready"
  else
    container_logs_tail "${c}"
    fail "alertmanager: not ready"
    return
  fi
  if docker exec "${c}" amtool --alertmanager.url=http://127.0.0.1:9093 cluster show >/dev/null 2>&1; then
    pass "alertmanager: the platform's health check (amtool cluster show) passes"
  else
    fail "alertmanager: amtool cluster show failed"
  fi
}

verify_postgres_exporter() {
  local c="${PREFIX}-postgres-exporter" port out
  image_exists "${POSTGRES_EXPORTER_IMAGE}" || { fail "postgres-exporter: image ${POSTGRES_EXPORTER_IMAGE} missing"; return; }
  if out=$(docker run --rm "${POSTGRES_EXPORTER_IMAGE}" --version 2>&1) && [[ ${out} == *'version 0.11'* ]]; then
    pass "postgres-exporter: --version: $(head -n1 <<<"${out}")"
  else
    fail "postgres-exporter: --version failed: ${out}"
  fi
  runs_unprivileged postgres-exporter "${POSTGRES_EXPORTER_IMAGE}"

  # Nothing listens on port 1: the exporter must still serve its metrics, reporting the database as down.
  docker run -d --name "${c}" -e DATA_SOURCE_NAME='postgresql://nobody:none@127.0.0.1:1/none?sslmode=disable' \
    -p 127.0.0.1::9187 "${POSTGRES_EXPORTER_IMAGE}" --web.listen-address=:9187 >/dev/null
  port=$(host_port "${c}" 9187)
  if wait_until "postgres-exporter /metrics" sh -c "curl -fsS http://127.0.0.1:${port}/metrics | grep -q '^pg_up 0'"; then
    pass "postgres-exporter: reads DATA_SOURCE_NAME and serves /metrics on :9187 (pg_up 0 without a database)"
  else
    container_logs_tail "${c}"
    fail "postgres-exporter: no pg_up on /metrics"
  fi
}

verify_loki() {
  local conf_dir="${WORK_DIR}/loki" c="${PREFIX}-loki" port out now
  image_exists "${LOKI_IMAGE}" || { fail "loki: image ${LOKI_IMAGE} missing"; return; }
  if out=$(docker run --rm "${LOKI_IMAGE}" -version 2>&1) && [[ ${out} == *"version ${LOKI_VERSION#v}"* ]]; then
    pass "loki: -version: $(head -n1 <<<"${out}")"
  else
    fail "loki: -version failed: ${out}"
  fi
  runs_unprivileged loki "${LOKI_IMAGE}"

  mkdir -p "${conf_dir}"
  printf '%s\n' 'auth_enabled: false' 'server: {http_listen_port: 3100, log_level: warn}' \
    'common: {path_prefix: /loki, replication_factor: 1, instance_addr: 127.0.0.1, ring: {kvstore: {store: inmemory}}, storage: {filesystem: {chunks_directory: /loki/chunks, rules_directory: /loki/rules}}}' \
    'schema_config: {configs: [{from: "2024-01-01", store: tsdb, object_store: filesystem, schema: v13, index: {prefix: index_, period: 24h}}]}' \
    'ingester: {lifecycler: {min_ready_duration: 0s}}' 'analytics: {reporting_enabled: false}' >"${conf_dir}/loki.yml"
  chmod -R a+rX "${conf_dir}"
  docker run -d --name "${c}" -v "${conf_dir}/loki.yml:/etc/loki/loki.yml:ro" -v "${PREFIX}-lokidata:/loki" \
    -p 127.0.0.1::3100 "${LOKI_IMAGE}" >/dev/null
  port=$(host_port "${c}" 3100)
  if wait_until "loki /ready" docker exec "${c}" wget -q -O /dev/null http://127.0.0.1:3100/ready; then
    pass "loki: starts on a fresh /loki volume and answers the platform's health check (wget /ready)"
  else
    container_logs_tail "${c}"
    fail "loki: not ready"
    return
  fi
  now=$(date +%s%N)
  if curl -fsS -H 'Content-Type: application/json' "http://127.0.0.1:${port}/loki/api/v1/push" \
    --data "{\"streams\":[{\"stream\":{\"service\":\"verify\"},\"values\":[[\"${now}\",\"verify line ${now}\"]]}]}" \
    && wait_until "the pushed line in a query" sh -c "curl -fsS -G 'http://127.0.0.1:${port}/loki/api/v1/query_range' \
      --data-urlencode 'query={service=\"verify\"}' | grep -q 'verify line ${now}'"; then
    pass "loki: a pushed line comes back from /loki/api/v1/query_range"
  else
    container_logs_tail "${c}"
    fail "loki: pushed line not returned by a query"
  fi
}

verify_promtail() {
  local conf_dir="${WORK_DIR}/promtail" out
  image_exists "${PROMTAIL_IMAGE}" || { fail "promtail: image ${PROMTAIL_IMAGE} missing"; return; }
  if out=$(docker run --rm "${PROMTAIL_IMAGE}" -version 2>&1) && [[ ${out} == *"version ${LOKI_VERSION#v}"* ]]; then
    pass "promtail: -version: $(head -n1 <<<"${out}")"
  else
    fail "promtail: -version failed: ${out}"
  fi
  if docker run --rm --entrypoint sh "${PROMTAIL_IMAGE}" -c 'command -v wget' >/dev/null; then
    pass "promtail: wget present (the platform's health check)"
  else
    fail "promtail: wget missing"
  fi
  mkdir -p "${conf_dir}"
  printf '%s\n' 'server: {http_listen_port: 9080, grpc_listen_port: 0}' 'positions: {filename: /promtail/positions.yaml}' \
    'clients: [{url: "http://loki:3100/loki/api/v1/push"}]' \
    'scrape_configs: [{job_name: containers, docker_sd_configs: [{host: "unix:///var/run/docker.sock", refresh_interval: 5s}]}]' \
    >"${conf_dir}/promtail.yml"
  chmod -R a+rX "${conf_dir}"
  if out=$(docker run --rm -v "${conf_dir}/promtail.yml:/etc/promtail/promtail.yml:ro" "${PROMTAIL_IMAGE}" \
    -config.file=/etc/promtail/promtail.yml -check-syntax 2>&1); then
    pass "promtail: -check-syntax accepts a Docker-discovery config"
  else
    fail "promtail: -check-syntax failed: ${out}"
  fi
}

main() {
  local name
  local -a names=("$@")
  [[ ${#names[@]} -gt 0 ]] || names=(postgres nginx-lua traefik prometheus alertmanager postgres-exporter loki promtail)
  command -v psql >/dev/null || apt_install postgresql-client
  command -v curl >/dev/null || apt_install curl
  docker info >/dev/null 2>&1 || die "docker engine not answering: run scripts/docker/ensure-engine.sh first"
  for name in "${names[@]}"; do
    case "${name}" in
      postgres) verify_postgres ;;
      nginx-lua) verify_nginx_lua ;;
      traefik) verify_traefik ;;
      prometheus) verify_prometheus ;;
      alertmanager) verify_alertmanager ;;
      postgres-exporter) verify_postgres_exporter ;;
      loki) verify_loki ;;
      promtail) verify_promtail ;;
      *) die "unknown image '${name}' (known: postgres nginx-lua traefik prometheus alertmanager postgres-exporter loki promtail)" ;;
    esac
  done
  echo >&2
  printf '%s\n' "${RESULTS[@]}" >&2
  [[ ${FAILED} -eq 0 ]] || die "some image checks failed"
  echo "all image checks passed (${names[*]})" >&2
}

main "$@"
