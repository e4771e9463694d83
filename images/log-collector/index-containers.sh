#!/bin/sh
# The container index: links the log file of every running container on the platform network as
# "<container name>.log" in INDEX_DIRECTORY, where the log collector follows them. The engine names its json-file logs
# by container id only and the collector cannot ask the engine for names (the OpenTelemetry Collector's Docker
# observer is not served by the module proxy here), so this loop asks the engine's API through its socket every
# INTERVAL seconds. Links whose file is gone (container removed) are removed; a stopped container's stay until then,
# so the collector reads its last lines.
set -eu

: "${NETWORK:?NETWORK must name the platform network}"
: "${INDEX_DIRECTORY:=/var/log/platform-containers}"
: "${INTERVAL:=2}"
readonly SOCKET=/var/run/docker.sock
# Touched after every pass; the container's health check reads its age.
readonly HEARTBEAT=/tmp/index-heartbeat
# One file per container id already linked or reported, so that each is inspected once.
readonly KNOWN=/tmp/known

api() {
  curl -fsS --unix-socket "${SOCKET}" "http://engine$1"
}

# link_container ID: inspects the container and links its log file under its name.
link_container() {
  details=$(api "/containers/$1/json" | jq -r '[.Name[1:], .LogPath, .HostConfig.LogConfig.Type] | @tsv')
  name=$(printf '%s' "${details}" | cut -f1)
  log_path=$(printf '%s' "${details}" | cut -f2)
  driver=$(printf '%s' "${details}" | cut -f3)
  # Each problem is reported once per container: the container is marked known either way.
  if [ -z "${log_path}" ]; then
    echo "index: ${name} logs with the ${driver} driver, which names no file to follow (the engine's default, json-file, does); its lines are not collected" >&2
  elif [ ! -e "${log_path}" ]; then
    echo "index: ${name}'s log ${log_path} is not visible here: is the engine's data root mounted at the same path (monitoring.logs.dockerDataRoot)?" >&2
  else
    ln -sfn "${log_path}" "${INDEX_DIRECTORY}/${name}.log"
  fi
  : >"${KNOWN}/$1"
}

filters=$(jq -cn --arg network "${NETWORK}" '{network: [$network]}' | jq -sRr @uri)
mkdir -p "${KNOWN}" "${INDEX_DIRECTORY}"
while :; do
  for id in $(api "/containers/json?filters=${filters}" | jq -r '.[].Id'); do
    [ -e "${KNOWN}/${id}" ] || link_container "${id}"
  done
  for link in "${INDEX_DIRECTORY}"/*.log; do
    # -e follows the link: false once the engine removed the container and its log.
    if [ -L "${link}" ] && [ ! -e "${link}" ]; then rm -f "${link}"; fi
  done
  touch "${HEARTBEAT}"
  sleep "${INTERVAL}"
done
