#!/usr/bin/env bash
# Smoke-tests the images built by build-images.sh against the contracts the Pulumi program relies on.
#
# Usage: verify-images.sh [legacy-flask|fastapi|postgres|nginx-lua|traefik|prometheus|alertmanager|postgres-exporter|
#                          victorialogs|log-collector ...]     (default: all)
#
#   legacy-flask  runs Python 2.7, as the legacy service does in production; runs as a non-root user;
#   fastapi       runs Python 3.12 or newer; runs as a non-root user;
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
#                      runs as a non-root user;
#   victorialogs   `-version`; runs as a non-root user; starts with the platform's flags on a fresh
#                  /victoria-logs-data volume, answers the platform's health check (wget /health), serves its web UI
#                  (/select/vmui/), and returns a line pushed to /insert/jsonline from /select/logsql/query;
#   log-collector  `otelcol-migration --version`; index-containers present, curl and jq on PATH; `validate` accepts a
#                  minimal config with every component the platform uses and refuses an unknown one; starts with it and
#                  answers the platform's health check (curl :13133).
#
# Every container, volume and temp dir it creates is named migration-verify-<pid>-* and removed on exit.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${TRAEFIK_VERSION:=$(sed -n 's/^readonly DEFAULT_TRAEFIK_VERSION=//p' "$(dirname "${BASH_SOURCE[0]}")/build-traefik-binary.sh")}"
: "${VICTORIALOGS_VERSION:=$(sed -n 's/^readonly DEFAULT_VICTORIALOGS_VERSION=//p' "$(dirname "${BASH_SOURCE[0]}")/build-victorialogs-binary.sh")}"
# The collector's release is its manifest's dist.version, as build-log-collector-binary.sh reads it.
LOG_COLLECTOR_VERSION=v$(sed -n 's/^  version: //p' "${MIGRATION_REPO_ROOT}/images/log-collector/otelcol-builder.yaml")
readonly LOG_COLLECTOR_VERSION
LEGACY_FLASK_IMAGE=$(app_image_tag legacy-flask)
FASTAPI_IMAGE=$(app_image_tag fastapi)
readonly LEGACY_FLASK_IMAGE FASTAPI_IMAGE
readonly POSTGRES_IMAGE=migration/postgres:15-bookworm
readonly NGINX_IMAGE=migration/nginx-lua:1.22-bookworm
readonly TRAEFIK_IMAGE="migration/traefik:${TRAEFIK_VERSION}"
readonly PROMETHEUS_IMAGE=migration/prometheus:2.42-bookworm
readonly ALERTMANAGER_IMAGE=migration/alertmanager:0.25-bookworm
readonly POSTGRES_EXPORTER_IMAGE=migration/postgres-exporter:0.11-bookworm
readonly VICTORIALOGS_IMAGE="migration/victorialogs:${VICTORIALOGS_VERSION}"
readonly LOG_COLLECTOR_IMAGE="migration/log-collector:${LOG_COLLECTOR_VERSION}"
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

host_port() {
  docker port "$1" "$2" | head -n1 | sed 's/.*://'
}

container_logs_tail() {
  docker logs --tail 20 "$1" 2>&1 | sed 's/^/    | /' >&2 || true
}

has_tools_sh_cp_mv() {
  docker run --rm --entrypoint sh "$1" -c 'command -v sh && command -v cp && command -v mv' >/dev/null
}

# app_python IMAGE: what `python --version` prints in IMAGE (Python 2 prints it on stderr).
app_python() {
  docker run --rm "$1" python --version 2>&1
}

verify_legacy_flask() {
  local version
  image_exists "${LEGACY_FLASK_IMAGE}" || { fail "legacy-flask: image ${LEGACY_FLASK_IMAGE} missing"; return; }
  version=$(app_python "${LEGACY_FLASK_IMAGE}") || true
  if [[ ${version} =~ ^Python\ 2\.7\.[0-9]+$ ]]; then
    pass "legacy-flask: runs ${version}, the legacy service's Python in production"
  else
    fail "legacy-flask: python --version says '${version}', expected Python 2.7.x (base: $(base_image_tag python2-base))"
  fi
  runs_unprivileged legacy-flask "${LEGACY_FLASK_IMAGE}"
}

verify_fastapi() {
  local version
  image_exists "${FASTAPI_IMAGE}" || { fail "fastapi: image ${FASTAPI_IMAGE} missing"; return; }
  version=$(app_python "${FASTAPI_IMAGE}") || true
  if [[ ${version} =~ ^Python\ 3\.([0-9]+)\.[0-9]+$ ]] && ((BASH_REMATCH[1] >= 12)); then
    pass "fastapi: runs ${version} (3.12 or newer)"
  else
    fail "fastapi: python --version says '${version}', expected Python 3.12 or newer (base: $(base_image_tag python3-base))"
  fi
  runs_unprivileged fastapi "${FASTAPI_IMAGE}"
}

verify_postgres() {
  local volume="${PREFIX}-pgdata" c1="${PREFIX}-pg1" c2="${PREFIX}-pg2" port password='s3cret pass' started
  local -a env=(-e POSTGRES_USER=migration -e POSTGRES_PASSWORD="${password}" -e POSTGRES_DB=app)
  image_exists "${POSTGRES_IMAGE}" || { fail "postgres: image ${POSTGRES_IMAGE} missing"; return; }
  docker volume create "${volume}" >/dev/null

  docker run -d --name "${c1}" "${env[@]}" -v "${volume}:/var/lib/postgresql/data" -p 127.0.0.1::5432 \
    "${POSTGRES_IMAGE}" >/dev/null
  port=$(host_port "${c1}" 5432)
  if ! wait_until "${READY_TIMEOUT}" "postgres to accept TCP connections" docker exec "${c1}" pg_isready -h 127.0.0.1 -U migration -d app; then
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
  if grep -q 'database system is shut down' <<<"$(docker logs "${c1}" 2>&1)" \
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
  if ! wait_until "${READY_TIMEOUT}" "replacement postgres" docker exec "${c2}" pg_isready -h 127.0.0.1 -U migration -d app; then
    container_logs_tail "${c2}"
    fail "postgres: replacement container not ready"
    return
  fi
  if grep -q 'already initialised' <<<"$(docker logs "${c2}" 2>&1)" \
    && [[ $(PGPASSWORD="${password}" psql -h 127.0.0.1 -p "${port}" -U migration -d app -qAt \
      -c 'SELECT note FROM survivors WHERE id = 1') == 'written before replacement' ]]; then
    pass "postgres: replacement container on the same volume kept the data and skipped initdb"
  else
    container_logs_tail "${c2}"
    fail "postgres: data not preserved across container replacement"
  fi

  # `docker stop` sends the image's STOPSIGNAL (SIGINT); orchestrators and humans also send SIGTERM to PID 1.
  docker kill --signal TERM "${c2}" >/dev/null
  if wait_until "${READY_TIMEOUT}" "postgres to exit on SIGTERM" bash -c "[[ \$(docker inspect --format '{{.State.Running}}' ${c2}) == false ]]" \
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
  if wait_until "${READY_TIMEOUT}" "nginx on :${port}" curl -fsS "http://127.0.0.1:${port}/" \
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
  if wait_until "${READY_TIMEOUT}" "traefik /ping" curl -fsS "http://127.0.0.1:${port}/ping"; then
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
  if wait_until "${READY_TIMEOUT}" "prometheus /-/ready" curl -fsS "http://127.0.0.1:${port}/-/ready"; then
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
  if wait_until "${READY_TIMEOUT}" "alertmanager /-/ready" curl -fsS "http://127.0.0.1:${port}/-/ready"; then
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
  if wait_until "${READY_TIMEOUT}" "postgres-exporter /metrics" sh -c "curl -fsS http://127.0.0.1:${port}/metrics | grep -q '^pg_up 0'"; then
    pass "postgres-exporter: reads DATA_SOURCE_NAME and serves /metrics on :9187 (pg_up 0 without a database)"
  else
    container_logs_tail "${c}"
    fail "postgres-exporter: no pg_up on /metrics"
  fi
}

verify_victorialogs() {
  local c="${PREFIX}-victorialogs" port out marker
  image_exists "${VICTORIALOGS_IMAGE}" || { fail "victorialogs: image ${VICTORIALOGS_IMAGE} missing"; return; }
  if out=$(docker run --rm "${VICTORIALOGS_IMAGE}" -version 2>/dev/null) && [[ ${out} == *"${VICTORIALOGS_VERSION}"* ]]; then
    pass "victorialogs: -version: $(head -n1 <<<"${out}")"
  else
    fail "victorialogs: -version failed: ${out}"
  fi
  runs_unprivileged victorialogs "${VICTORIALOGS_IMAGE}"

  # The platform's flags (infra/monitoring/logStoreFlags.ts), on a fresh named volume owned by root until the image's
  # ownership is copied into it.
  docker run -d --name "${c}" -v "${PREFIX}-vlogsdata:/victoria-logs-data" -p 127.0.0.1::9428 "${VICTORIALOGS_IMAGE}" \
    -storageDataPath=/victoria-logs-data -httpListenAddr=:9428 -retentionPeriod=7d \
    -retention.maxDiskSpaceUsageBytes=10GiB -loggerLevel=WARN >/dev/null
  port=$(host_port "${c}" 9428)
  if wait_until "${READY_TIMEOUT}" "victorialogs /health" docker exec "${c}" wget -q -O /dev/null http://127.0.0.1:9428/health; then
    pass "victorialogs: starts with the platform's flags on a fresh /victoria-logs-data volume and answers the platform's health check (wget /health)"
  else
    container_logs_tail "${c}"
    fail "victorialogs: not healthy"
    return
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:${port}/select/vmui/"; then
    pass "victorialogs: serves its web UI at /select/vmui/"
  else
    fail "victorialogs: no web UI at /select/vmui/"
  fi
  marker="verify-$(date +%s%N)"
  if curl -fsS -H 'Content-Type: application/stream+json' \
    "http://127.0.0.1:${port}/insert/jsonline?_stream_fields=service" \
    --data-binary "{\"_msg\":\"verify line ${marker}\",\"service\":\"verify\"}" \
    && wait_until "${READY_TIMEOUT}" "the pushed line in a query" sh -c "curl -fsS 'http://127.0.0.1:${port}/select/logsql/query' \
      --data-urlencode 'query={service=\"verify\"} \"${marker}\"' | grep -q 'verify line ${marker}'"; then
    pass "victorialogs: a line pushed to /insert/jsonline comes back from /select/logsql/query by its stream field"
  else
    container_logs_tail "${c}"
    fail "victorialogs: pushed line not returned by a query"
  fi
}

verify_log_collector() {
  local conf_dir="${WORK_DIR}/log-collector" c="${PREFIX}-log-collector" out
  image_exists "${LOG_COLLECTOR_IMAGE}" || { fail "log-collector: image ${LOG_COLLECTOR_IMAGE} missing"; return; }
  if out=$(docker run --rm "${LOG_COLLECTOR_IMAGE}" --version 2>&1) && [[ ${out} == *"version ${LOG_COLLECTOR_VERSION#v}"* ]]; then
    pass "log-collector: otelcol-migration --version: $(head -n1 <<<"${out}")"
  else
    fail "log-collector: --version failed: ${out}"
  fi
  if docker run --rm --entrypoint sh "${LOG_COLLECTOR_IMAGE}" -c \
    'test -x /usr/local/bin/index-containers && command -v curl && command -v jq' >/dev/null; then
    pass "log-collector: index-containers present, curl and jq on PATH (the container index, the health checks)"
  else
    fail "log-collector: index-containers, curl or jq missing"
  fi

  # Every component the platform's config uses (components/docker/logCollectorConfig.ts), in a minimal pipeline.
  mkdir -p "${conf_dir}"
  printf '%s\n' 'extensions:' '  health_check: {endpoint: "0.0.0.0:13133"}' \
    '  file_storage: {directory: /var/lib/otelcol/checkpoints, create_directory: true}' \
    'receivers:' '  file_log: {include: [/var/log/platform-containers/*.log], start_at: beginning, storage: file_storage, operators: [{type: container, format: docker, add_metadata_from_filepath: false}]}' \
    'processors:' '  batch: {timeout: 1s}' \
    'exporters:' '  otlp_http: {endpoint: "http://victorialogs:9428/insert/opentelemetry"}' \
    'service:' '  extensions: [health_check, file_storage]' \
    '  pipelines: {logs: {receivers: [file_log], processors: [batch], exporters: [otlp_http]}}' >"${conf_dir}/config.yaml"
  sed 's/otlp_http/no_such_exporter/g' "${conf_dir}/config.yaml" >"${conf_dir}/broken.yaml"
  chmod -R a+rX "${conf_dir}"
  if out=$(docker run --rm -v "${conf_dir}:/etc/otelcol:ro" "${LOG_COLLECTOR_IMAGE}" validate \
    --config=/etc/otelcol/config.yaml 2>&1); then
    pass "log-collector: validate accepts file_log, batch, otlp_http, file_storage and health_check"
  else
    printf '%s\n' "${out}" | sed 's/^/    | /' >&2
    fail "log-collector: validate refused the minimal config"
  fi
  if docker run --rm -v "${conf_dir}:/etc/otelcol:ro" "${LOG_COLLECTOR_IMAGE}" validate \
    --config=/etc/otelcol/broken.yaml >/dev/null 2>&1; then
    fail "log-collector: validate accepted a config with an unknown exporter"
  else
    pass "log-collector: validate refuses a config with an unknown exporter"
  fi

  # Nothing answers at victorialogs:9428: the collector must still start and report healthy.
  docker run -d --name "${c}" -v "${conf_dir}/config.yaml:/etc/otelcol/config.yaml:ro" \
    -v "${PREFIX}-checkpoints:/var/lib/otelcol" "${LOG_COLLECTOR_IMAGE}" >/dev/null
  if wait_until "${READY_TIMEOUT}" "the collector's health endpoint" docker exec "${c}" curl -fsS -o /dev/null http://127.0.0.1:13133/; then
    pass "log-collector: starts with the default command and answers the platform's health check (curl :13133)"
  else
    container_logs_tail "${c}"
    fail "log-collector: health endpoint not answered"
  fi
}

main() {
  local name
  local -a names=("$@")
  [[ ${#names[@]} -gt 0 ]] || names=(legacy-flask fastapi postgres nginx-lua traefik prometheus alertmanager postgres-exporter victorialogs log-collector)
  command -v psql >/dev/null || apt_install postgresql-client
  command -v curl >/dev/null || apt_install curl
  docker info >/dev/null 2>&1 || die "docker engine not answering: run scripts/docker/ensure-engine.sh first"
  for name in "${names[@]}"; do
    case "${name}" in
      legacy-flask) verify_legacy_flask ;;
      fastapi) verify_fastapi ;;
      postgres) verify_postgres ;;
      nginx-lua) verify_nginx_lua ;;
      traefik) verify_traefik ;;
      prometheus) verify_prometheus ;;
      alertmanager) verify_alertmanager ;;
      postgres-exporter) verify_postgres_exporter ;;
      victorialogs) verify_victorialogs ;;
      log-collector) verify_log_collector ;;
      *) die "unknown image '${name}' (known: legacy-flask fastapi postgres nginx-lua traefik prometheus alertmanager postgres-exporter victorialogs log-collector)" ;;
    esac
  done
  echo >&2
  printf '%s\n' "${RESULTS[@]}" >&2
  [[ ${FAILED} -eq 0 ]] || die "some image checks failed"
  echo "all image checks passed (${names[*]})" >&2
}

main "$@"
