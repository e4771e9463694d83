#!/usr/bin/env bash
# ensure-pulumi.sh: make a Pulumi CLI, the Node.js language host and the docker and random resource
# plugins (and, when asked, the kubernetes one) available on a machine that reaches package registries
# but not get.pulumi.com or GitHub (air-gapped machines, CI). Ordinary users simply install Pulumi; see
# README.md beside this file.
#
# The CLI's version is pinned in lib.sh (PULUMI_CLI_VERSION); the plugins' versions come from
# package-lock.json (@pulumi/docker, @pulumi/random, @pulumi/kubernetes). Everything is built from Go
# modules through the module proxy, once, into a cache outside the work tree keyed by version; later runs
# only check the cache and the plugin install, which takes seconds.
#
# Usage:
#   scripts/toolchain/ensure-pulumi.sh                    # build if needed, install plugins, print env lines
#   scripts/toolchain/ensure-pulumi.sh --with-kubernetes  # ... and the Kubernetes provider, a long build
#   eval "$(scripts/toolchain/ensure-pulumi.sh)"          # ... and apply them to this shell
#   source scripts/toolchain/env.sh                       # later, in any script: PATH, PULUMI_HOME, offline flags
#
# Progress goes to stderr; stdout carries only the `export ...` line (its last line), for eval.
#
# Environment:
#   MIGRATION_TOOLCHAIN_CACHE         cache root (default /var/cache/migration-toolchain)
#   MIGRATION_TOOLCHAIN_EXACT=1       fail rather than build an older CLI when the module proxy does not serve
#                                     PULUMI_CLI_VERSION (see the table in README.md beside this file)
#   MIGRATION_TOOLCHAIN_SEARCH_DEPTH  how many older CLI versions to try (default 20)
#   MIGRATION_TOOLCHAIN_KEEP_WORK=1   keep the temporary build folders (for debugging)
#   PULUMI_HOME                       where plugins are installed (default: $MIGRATION_TOOLCHAIN_CACHE/pulumi-home)
set -euo pipefail

# shellcheck source=scripts/toolchain/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# Bump when the build steps below change in a way that should invalidate cached binaries.
readonly RECIPE_REVISION=1

# Provider recipes. The official provider modules (github.com/pulumi/pulumi-random/provider/v4,
# github.com/pulumi/pulumi-docker/provider/v5) are not served by the module proxy these machines use,
# so each plugin is bridged here from the upstream Terraform provider module the proxy does serve,
# with this folder's own token mapping (providers/NAME/info.go) so that it answers to the type tokens
# of the @pulumi/NAME npm SDK. Fields: upstream module@version | module path in the upstream's go.mod |
# pulumi-terraform-bridge version | extra Go build tags.
declare -A PROVIDER_RECIPES=(
  # terraform-provider-random at 2026-08-24 (the only 2026 revision the proxy serves; @pulumi/random
  # 4.21.2 was published 2026-09-21). Bridge v3.137.0 is the newest the proxy serves whose pulumi
  # dependencies (pkg/sdk v3.256.0) are buildable here.
  [random@4.21.2]="github.com/hashicorp/terraform-provider-random@v1.3.2-0.20260824155315-e1092b0cfc07|github.com/terraform-providers/terraform-provider-random|v3.137.0|"
  # The docker provider's upstream at 2026-09-16, the only revision the proxy serves (@pulumi/docker 5.2.0
  # was published 2026-09-03, so this is slightly newer than the one 5.2.0 shipped). no_compose leaves
  # out the compose resource, which @pulumi/docker does not expose and whose dependencies are large.
  [docker@5.2.0]="github.com/kreuzwerker/terraform-provider-docker@v0.0.0-20260916201441-96d331c98ff4|github.com/terraform-providers/terraform-provider-docker|v3.137.0|no_compose"
)

# The Kubernetes provider is Pulumi's own module, not a bridge, and the proxy serves it; its repository has no
# provider/v4.x tags, so each @pulumi/kubernetes version maps to the pseudo-version of its release commit.
declare -A KUBERNETES_RECIPES=(
  [4.25.0]="github.com/pulumi/pulumi-kubernetes/provider/v4@v4.0.0-20260115033456-f47bc2d6f199"
)

RUN_STARTED=$SECONDS

log() { printf '[toolchain +%s] %s\n' "$(format_duration $((SECONDS - RUN_STARTED)))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

format_duration() {
  local s=$1
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# ---------------------------------------------------------------------------------------------------
# Preflight
# ---------------------------------------------------------------------------------------------------

setup_go() {
  if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 || die "go is not installed (needed to build the toolchain)"
  # Never download a newer Go toolchain (there is no network for it): a go.mod asking for one fails fast.
  export GOTOOLCHAIN=local
  # The wrapper modules below list only direct requirements; let `go build` complete go.mod/go.sum.
  export GOFLAGS=-mod=mod
  GO_VERSION="$(go env GOVERSION)"
}

setup_cache() {
  mkdir -p "$TOOLCHAIN_CACHE" 2>/dev/null ||
    die "cannot create $TOOLCHAIN_CACHE; set MIGRATION_TOOLCHAIN_CACHE to a writable folder"
  [[ -w "$TOOLCHAIN_CACHE" ]] || die "$TOOLCHAIN_CACHE is not writable; set MIGRATION_TOOLCHAIN_CACHE"
  mkdir -p "$TOOLCHAIN_BIN_DIR" "$TOOLCHAIN_CLI_DIR/stamps" "$TOOLCHAIN_PLUGIN_CACHE" "$TOOLCHAIN_PULUMI_HOME"
  # One run at a time per cache: CI jobs or two shells could otherwise build into the same folders.
  hold_lock "$TOOLCHAIN_CACHE/.lock"
}

# hold_lock FILE: hold FILE's lock (on fd 9) until exit or the next hold_lock, which releases this one.
hold_lock() {
  exec 9>"$1"
  if ! flock -n 9; then
    log "another ensure-pulumi.sh holds $1; waiting for it"
    flock 9
  fi
}

# json_query WHAT [ARGS]: small JSON readers (node) for `go mod edit -json`, `go mod download -json`,
# `pulumi package get-schema` and `pulumi plugin ls --json` output on stdin.
# shellcheck disable=SC2016 # the single-quoted programs are JavaScript, not shell
json_query() {
  local what="$1"
  case "$what" in
    nonlocal-replaces)
      # go mod edit -json output -> "old[@v] => new v" lines for replacements that point at modules, not
      # folders: folder replacements refer to the upstream repository's layout and cannot be repeated.
      node -e '
        let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
          for (const r of JSON.parse(s).Replace || []) {
            if (!r.New.Version) continue;
            const old = r.Old.Version ? `${r.Old.Path}@${r.Old.Version}` : r.Old.Path;
            console.log(`${old} => ${r.New.Path} ${r.New.Version}`);
          }
        });'
      ;;
    go-line)
      node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).Go || ""));'
      ;;
    schema-version)
      node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).version || ""));'
      ;;
    dir)
      node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => { const j = JSON.parse(s); if (j.Error) { console.error(j.Error); process.exit(1); } console.log(j.Dir); });'
      ;;
    plugin-installed)
      # pulumi plugin ls --json on stdin; $2 = name, $3 = version
      node -e '
        let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
          const ok = (JSON.parse(s || "[]") || []).some(p => p.kind === "resource" && p.name === process.argv[1] &&
            p.version.replace(/^v/, "") === process.argv[2]);
          process.exit(ok ? 0 : 1);
        });' "$2" "$3"
      ;;
  esac
}

# ---------------------------------------------------------------------------------------------------
# Cache stamps: a cached artefact counts only if its stamp matches the recipe that would build it now.
# ---------------------------------------------------------------------------------------------------

recipe_hash() {
  # Arguments: the recipe's words and the files whose content it builds from.
  local item
  {
    printf 'revision=%s go=%s\n' "$RECIPE_REVISION" "$GO_VERSION"
    for item in "$@"; do
      if [[ -f "$item" ]]; then sha256sum "$item" | cut -d' ' -f1; else printf '%s\n' "$item"; fi
    done
  } | sha256sum | cut -d' ' -f1
}

stamp_matches() { # STAMP_FILE HASH
  [[ -f "$1" ]] && [[ "$(sed -n 's/^recipe=//p' "$1")" == "$2" ]]
}

stamp_field() { # STAMP_FILE FIELD
  sed -n "s/^$2=//p" "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------------
# Go module helpers
# ---------------------------------------------------------------------------------------------------

# module_dir MODULE@VERSION: download a module through the proxy and print its folder in the module cache.
module_dir() {
  (cd "$WORK_ROOT" && go mod download -json "$1" | json_query dir)
}

# module_gomod MODULE VERSION: print the path of a module's go.mod in the module cache (downloading it).
module_gomod() {
  local dir
  dir="$(module_dir "$1@$2")" || return 1
  printf '%s/go.mod\n' "$dir"
}

# write_replaces GOMOD_OF_DEPENDENCY >> go.mod: repeat a dependency's module-to-module replace lines, which
# Go ignores outside the main module but which the dependency needs to compile (e.g. a forked library).
write_replaces() {
  go mod edit -json "$1" | json_query nonlocal-replaces | sed 's/^/replace /'
}

# ---------------------------------------------------------------------------------------------------
# CLI version: the proxy these machines use does not serve every pkg/v3 release (in November 2026 it refused
# v3.261.0 to v3.270.0 with "403 This module version is not available"). Unless MIGRATION_TOOLCHAIN_EXACT=1,
# fall back from PULUMI_CLI_VERSION to the newest older release whose pkg/v3 and sdk/v3 modules can be
# downloaded, and say so loudly.
# ---------------------------------------------------------------------------------------------------

resolve_cli_version() {
  local required="v$PULUMI_CLI_VERSION" candidates=() v err_file="$LOG_DIR/resolve-cli-version.log"
  candidates=("$required")
  if [[ "${MIGRATION_TOOLCHAIN_EXACT:-0}" != 1 ]]; then
    # sdk/v3's version list is served (pkg/v3's is not); both are released together with the same tags.
    mapfile -t older < <(
      cd "$WORK_ROOT" && go list -m -versions github.com/pulumi/pulumi/sdk/v3 2>>"$err_file" |
        tr ' ' '\n' | grep -E '^v3\.[0-9]+\.[0-9]+$' | sort -rV |
        awk -v req="$required" 'found { print } $0 == req { found = 1 }' |
        head -n "${MIGRATION_TOOLCHAIN_SEARCH_DEPTH:-20}"
    )
    candidates+=("${older[@]}")
  fi
  for v in "${candidates[@]}"; do
    if (cd "$WORK_ROOT" && go mod download -json "github.com/pulumi/pulumi/pkg/v3@$v" \
      "github.com/pulumi/pulumi/sdk/v3@$v" >>"$err_file" 2>&1); then
      CLI_BUILD_VERSION="$v"
      if [[ "$v" != "$required" ]]; then
        log "WARNING: the module proxy does not serve github.com/pulumi/pulumi/pkg/v3@$required;"
        log "WARNING: building the newest older CLI it serves, $v (details: $err_file)"
      fi
      return 0
    fi
    log "pkg/v3@$v: not downloadable from the module proxy"
  done
  log "no buildable github.com/pulumi/pulumi/pkg/v3 version among: ${candidates[*]}"
  tail -n 20 "$err_file" >&2
  return 1
}

# ---------------------------------------------------------------------------------------------------
# Build steps. Each runs in the background with its output in $LOG_DIR/STEP.log, builds in a folder under
# $WORK_ROOT (outside the work tree) and moves its result into the cache only when it is complete.
# ---------------------------------------------------------------------------------------------------

build_cli() { # VERSION
  local v="$1" dir="$WORK_ROOT/cli" gomod
  mkdir -p "$dir"
  gomod="$(module_gomod github.com/pulumi/pulumi/pkg/v3 "$v")"
  # pkg/go.mod replaces sdk/v3 with ../sdk, so `go install pkg/v3/cmd/pulumi@v` is refused; a wrapper module
  # that requires both at the same version builds the same code.
  {
    printf 'module example.invalid/pulumi-cli-offline\n\ngo %s\n\n' "$(go mod edit -json "$gomod" | json_query go-line)"
    printf 'require (\n\tgithub.com/pulumi/pulumi/pkg/v3 %s\n\tgithub.com/pulumi/pulumi/sdk/v3 %s\n)\n\n' "$v" "$v"
    write_replaces "$gomod"
  } >"$dir/go.mod"
  cat "$dir/go.mod"
  # osusergo and grpcnotrace are the tags Pulumi's own release build uses; -X sets `pulumi version`.
  (cd "$dir" && go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$v" \
    -o "$dir/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  local reported
  reported="$("$dir/pulumi" version)"
  [[ "$reported" == "$v" ]] || { echo "built CLI reports '$reported', expected $v"; return 1; }
  install_file "$dir/pulumi" "$TOOLCHAIN_BIN_DIR/pulumi"
  write_stamp "$TOOLCHAIN_CLI_DIR/stamps/cli" "$CLI_RECIPE" "version=$v"
}

build_langhost() { # SDK_VERSION (a buildable sdk/v3; the CLI's)
  local sdk="$1" dir="$WORK_ROOT/langhost" gomod sdk_dir
  mkdir -p "$dir"
  gomod="$(module_gomod github.com/pulumi/pulumi/sdk/v3 "$sdk")"
  cp "$TOOLCHAIN_SCRIPT_DIR/langhost-nodejs/main.go" "$dir/"
  {
    printf 'module example.invalid/pulumi-language-nodejs-offline\n\ngo %s\n\n' "$(go mod edit -json "$gomod" | json_query go-line)"
    printf 'require github.com/pulumi/pulumi/sdk/v3 %s\n\n' "$sdk"
    write_replaces "$gomod"
  } >"$dir/go.mod"
  cat "$dir/go.mod"
  (cd "$dir" && go build -trimpath -ldflags "-s -w -X main.version=$sdk" -o "$dir/pulumi-language-nodejs" .)
  # The dynamic-provider launcher (`pulumi.dynamic.Resource` runs as plugin "pulumi-nodejs") ships in the SDK
  # source of the exact @pulumi/pulumi version; the engine finds it on PATH next to the CLI.
  sdk_dir="$(module_dir "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_SDK_VERSION")" ||
    sdk_dir="$(module_dir "github.com/pulumi/pulumi/sdk/v3@$sdk")"
  install -m 0755 "$sdk_dir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$dir/pulumi-resource-pulumi-nodejs"
  install_file "$dir/pulumi-resource-pulumi-nodejs" "$TOOLCHAIN_BIN_DIR/pulumi-resource-pulumi-nodejs"
  install_file "$dir/pulumi-language-nodejs" "$TOOLCHAIN_BIN_DIR/pulumi-language-nodejs"
  write_stamp "$TOOLCHAIN_CLI_DIR/stamps/langhost" "$LANGHOST_RECIPE" "sdk=$sdk"
}

build_provider() { # NAME VERSION
  local name="$1" version="$2" recipe upstream modpath bridge tags
  recipe="${PROVIDER_RECIPES[$name@$version]}"
  IFS='|' read -r upstream modpath bridge tags <<<"$recipe"
  local dir="$WORK_ROOT/provider-$name" src="$TOOLCHAIN_SCRIPT_DIR/providers" upstream_dir bridge_gomod
  mkdir -p "$dir/cmd" "$dir/names" "$dir/gen"

  # The upstream provider's constructor is in an `internal` package, reachable only from inside its module:
  # copy the module and add this folder's shim package to the copy.
  upstream_dir="$(module_dir "$upstream")"
  cp -R "$upstream_dir" "$dir/upstream"
  chmod -R u+w "$dir/upstream"
  mkdir -p "$dir/upstream/shim"
  cp "$src/$name/shim/shim.go" "$dir/upstream/shim/"

  cp "$src/common/names/names.go" "$dir/names/"
  cp "$src/$name/info.go" "$src/$name/tfgen.go" "$src/common/main/"*.go "$dir/cmd/"
  bridge_gomod="$(module_gomod github.com/pulumi/pulumi-terraform-bridge/v3 "$bridge")"
  {
    printf 'module example.invalid/offline-provider\n\ngo %s\n\n' "$(go mod edit -json "$bridge_gomod" | json_query go-line)"
    printf 'require (\n\tgithub.com/pulumi/pulumi-terraform-bridge/v3 %s\n\t%s v0.0.0\n)\n\n' "$bridge" "$modpath"
    printf 'replace %s => ./upstream\n\n' "$modpath"
    write_replaces "$bridge_gomod"
  } >"$dir/go.mod"
  cat "$dir/go.mod"

  # 1. The schema generator (same package, -tags tfgen), 2. the schema, 3. the plugin embedding it.
  (cd "$dir" && go build -trimpath -tags "tfgen${tags:+,$tags}" -ldflags "-X main.version=$version" -o "$dir/tfgen" ./cmd)
  (cd "$dir/gen" && "$dir/tfgen" schema --out "$dir/gen")
  [[ -s "$dir/gen/schema.json" ]] || { echo "tfgen wrote no schema.json"; return 1; }
  cp "$dir/gen/schema.json" "$dir/cmd/schema.json"
  (cd "$dir" && go build -trimpath ${tags:+-tags "$tags"} -ldflags "-s -w -X main.version=$version" \
    -o "$dir/pulumi-resource-$name" ./cmd)
  local reported
  reported="$("$dir/pulumi-resource-$name" -version)"
  [[ "$reported" == "$version" || "$reported" == "v$version" ]] ||
    { echo "built plugin reports '$reported', expected $version"; return 1; }

  mkdir -p "$dir/out"
  cp "$dir/pulumi-resource-$name" "$dir/gen/schema.json" "$dir/out/"
  store_plugin "$name" "$version" "$dir/out" "${PROVIDER_RECIPE_HASH[$name]}" "upstream=$upstream" "bridge=$bridge"
}

build_kubernetes_provider() { # VERSION
  local version="$1" module="${KUBERNETES_RECIPES[$1]}" dir="$WORK_ROOT/provider-kubernetes"
  cp -R "$(module_dir "$module")" "$dir"
  chmod -R u+w "$dir"
  # Its go.mod points sdk/v4 at the repository's ../sdk folder, which the module zip leaves out; the sdk/v4 module
  # published for the same release is that folder.
  go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4 \
    -require="github.com/pulumi/pulumi-kubernetes/sdk/v4@v$version" "$dir/go.mod"
  cat "$dir/go.mod"
  # main.go embeds schema-embed.json and terraform-mapping-embed.json, which generate.go writes from the zip's
  # schema.json and terraform-mapping.json with the version set (nothing is downloaded).
  (cd "$dir/cmd/pulumi-resource-kubernetes" && VERSION="$version" go run generate.go)
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$version" \
    -o "$dir/out/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes)
  # The provider has no -version flag: ask it for its schema, which also shows that it starts and serves.
  local reported
  reported="$(PULUMI_HOME="$TOOLCHAIN_PULUMI_HOME" PULUMI_SKIP_UPDATE_CHECK=true "$TOOLCHAIN_BIN_DIR/pulumi" \
    package get-schema "$dir/out/pulumi-resource-kubernetes" | json_query schema-version)"
  [[ "$reported" == "$version" ]] || { echo "built plugin's schema has version '$reported', expected $version"; return 1; }
  store_plugin kubernetes "$version" "$dir/out" "$KUBERNETES_RECIPE_HASH" "module=$module"
}

# store_plugin NAME VERSION OUT_DIR HASH [key=value...]: copy a finished plugin folder into the cache with its stamp,
# replacing the cached one only when complete.
store_plugin() {
  local name="$1" version="$2" out="$3" hash="$4" dest tmp
  shift 4
  dest="$(toolchain_plugin_dir "$name" "$version")"
  tmp="$dest.tmp.$$"
  rm -rf "$tmp"
  cp -R "$out" "$tmp"
  write_stamp "$tmp/.stamp" "$hash" "$@"
  rm -rf "$dest"
  mv "$tmp" "$dest"
}

# install_file SRC DEST: atomic replace, so a concurrent reader never sees half a binary.
install_file() {
  install -m 0755 "$1" "$2.tmp.$$"
  mv -f "$2.tmp.$$" "$2"
}

write_stamp() { # FILE HASH [key=value...]
  local file="$1" hash="$2"
  shift 2
  { printf 'recipe=%s\nbuilt=%s\nseconds=%s\n' "$hash" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$((SECONDS - STEP_STARTED))"
    printf '%s\n' "$@"; } >"$file"
}

# ---------------------------------------------------------------------------------------------------
# Running steps: two lanes in parallel (2 cores). Within a lane, the second build reuses the first's
# compiled packages from the Go build cache (CLI then language host share sdk/v3; random then docker share
# the bridge), which concurrent builds of the same packages would not.
# ---------------------------------------------------------------------------------------------------

declare -A STEP_STATE=() STEP_REPORTED=()
STEPS=()

# run_step NAME FUNCTION ARGS...: run one build step with its log; record state and duration.
run_step() {
  local name="$1"
  shift
  local state="$LOG_DIR/$name.state"
  local rc=0 pid
  STEP_STARTED=$SECONDS
  echo "running $SECONDS" >"$state"
  # Run in the background and `wait`: inside an `if`/`||` condition bash would silently disable set -e
  # for the whole step, and a failing command would not stop it.
  (set -euo pipefail; "$@") >"$LOG_DIR/$name.log" 2>&1 &
  pid=$!
  wait "$pid" || rc=$?
  if ((rc == 0)); then
    echo "done $((SECONDS - STEP_STARTED))" >"$state"
  else
    echo "failed $((SECONDS - STEP_STARTED)) exit=$rc" >"$state"
  fi
}

start_lane() { # "name:function:args" entries, run in order
  local entry
  (
    for entry in "$@"; do
      IFS=':' read -r -a parts <<<"$entry"
      # No `|| true` here: it would switch off set -e inside the step too. run_step records failures itself.
      run_step "${parts[@]}"
    done
  ) &
  LANE_PIDS+=($!)
}

queue_step() { # NAME: declare a step so progress reporting knows about it
  STEPS+=("$1")
  echo "queued" >"$LOG_DIR/$1.state"
}

report_progress() {
  local name state words since now=$SECONDS running=()
  for name in "${STEPS[@]}"; do
    read -r -a words <"$LOG_DIR/$name.state" || continue
    state="${words[0]}"
    case "$state" in
      running)
        since="${words[1]}"
        running+=("$name $(format_duration $((now - since)))")
        ;;
      done | failed)
        if [[ -z "${STEP_REPORTED[$name]:-}" ]]; then
          STEP_REPORTED[$name]=1
          log "$name: $state in $(format_duration "${words[1]}") (log: $LOG_DIR/$name.log)"
        fi
        ;;
    esac
    STEP_STATE[$name]="$state"
  done
  if [[ "${1:-}" == heartbeat && ${#running[@]} -gt 0 ]]; then
    local IFS=','
    log "building: ${running[*]}"
  fi
}

wait_for_lanes() {
  local last_heartbeat=$SECONDS pid alive
  while :; do
    alive=0
    for pid in "${LANE_PIDS[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then alive=1; fi
    done
    if ((SECONDS - last_heartbeat >= 30)); then
      report_progress heartbeat
      last_heartbeat=$SECONDS
    else
      report_progress
    fi
    ((alive)) || break
    sleep 2
  done
  for pid in "${LANE_PIDS[@]}"; do wait "$pid" || true; done
  report_progress
}

fail_with_logs() {
  local name failed=()
  for name in "${STEPS[@]}"; do
    [[ "${STEP_STATE[$name]:-}" == failed ]] && failed+=("$name")
  done
  ((${#failed[@]} == 0)) && return 0
  for name in "${failed[@]}"; do
    log "---- $name FAILED; last 40 lines of $LOG_DIR/$name.log ----"
    tail -n 40 "$LOG_DIR/$name.log" >&2
  done
  die "build failed: ${failed[*]} (finished steps are cached; re-run after fixing)"
}

# ---------------------------------------------------------------------------------------------------
# Install and report
# ---------------------------------------------------------------------------------------------------

install_plugins() { # NAME...
  local name version dir installed
  export PULUMI_HOME="$TOOLCHAIN_PULUMI_HOME" PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  for name in "$@"; do
    version="$(provider_version "$name")"
    dir="$(toolchain_plugin_dir "$name" "$version")"
    installed="$PULUMI_HOME/plugins/resource-$name-v$version/pulumi-resource-$name"
    if [[ -x "$installed" ]] && cmp -s "$installed" "$dir/pulumi-resource-$name"; then
      log "plugin resource $name $version: already installed in $PULUMI_HOME"
      continue
    fi
    if [[ -e "$PULUMI_HOME/plugins/resource-$name-v$version" ]]; then
      "$TOOLCHAIN_BIN_DIR/pulumi" plugin rm resource "$name" "$version" --yes >&2
    fi
    "$TOOLCHAIN_BIN_DIR/pulumi" plugin install resource "$name" "$version" --file "$dir/pulumi-resource-$name" >&2
    log "plugin resource $name $version: installed into $PULUMI_HOME"
  done
}

# The Kubernetes provider (--with-kubernetes): built after the rest is installed and under a lock of its own, so a
# run without the flag (what `npm run up` does) never waits for this long build.
ensure_kubernetes_provider() {
  local v="$KUBERNETES_PROVIDER_VERSION" dir
  dir="$(toolchain_plugin_dir kubernetes "$v")"
  hold_lock "$TOOLCHAIN_CACHE/.lock-kubernetes"
  KUBERNETES_RECIPE_HASH="$(recipe_hash kubernetes "$v" "${KUBERNETES_RECIPES[$v]}")"
  if stamp_matches "$dir/.stamp" "$KUBERNETES_RECIPE_HASH"; then
    log "provider-kubernetes: cached ($dir)"
  else
    queue_step provider-kubernetes
    LANE_PIDS=()
    log "building the Kubernetes provider $v (cold: about 9 min on 2 cores, 4 GB of memory); logs in $LOG_DIR"
    start_lane "provider-kubernetes:build_kubernetes_provider:$v"
    wait_for_lanes
    fail_with_logs
  fi
  install_plugins kubernetes
}

provider_version() {
  case "$1" in
    random) printf '%s\n' "$RANDOM_PROVIDER_VERSION" ;;
    docker) printf '%s\n' "$DOCKER_PROVIDER_VERSION" ;;
    kubernetes) printf '%s\n' "$KUBERNETES_PROVIDER_VERSION" ;;
  esac
}

# plugins_with_versions: "random 4.21.2, docker 5.2.0, ..." for the plugins this run provides.
plugins_with_versions() {
  local name listed=""
  for name in "${PLUGINS[@]}"; do listed+="${listed:+, }$name $(provider_version "$name")"; done
  printf '%s\n' "$listed"
}

# An ambient Pulumi of exactly the pinned CLI version with every plugin this run provides needs nothing from us.
ambient_pulumi_is_enough() {
  local ambient plugins name
  ambient="$(command -v pulumi 2>/dev/null)" || return 1
  [[ "$ambient" == "$TOOLCHAIN_BIN_DIR/pulumi" ]] && return 1
  [[ "$(PULUMI_SKIP_UPDATE_CHECK=true "$ambient" version 2>/dev/null)" == "v$PULUMI_CLI_VERSION" ]] || return 1
  plugins="$(PULUMI_SKIP_UPDATE_CHECK=true "$ambient" plugin ls --json 2>/dev/null)" || return 1
  for name in "${PLUGINS[@]}"; do
    json_query plugin-installed "$name" "$(provider_version "$name")" <<<"$plugins" || return 1
  done
  log "pulumi v$PULUMI_CLI_VERSION ($ambient) with plugins $(plugins_with_versions) is already installed: nothing to do"
}

print_summary_and_env() {
  local cli_version langhost_sdk
  cli_version="$(stamp_field "$TOOLCHAIN_CLI_DIR/stamps/cli" version)"
  langhost_sdk="$(stamp_field "$TOOLCHAIN_CLI_DIR/stamps/langhost" sdk)"
  log "toolchain for @pulumi/pulumi $PULUMI_SDK_VERSION and plugins $(plugins_with_versions):"
  log "  CLI:            $TOOLCHAIN_BIN_DIR/pulumi ($cli_version)"
  if [[ "$cli_version" != "v$PULUMI_CLI_VERSION" ]]; then
    log "  NOTE: CLI is $cli_version, not the pinned v$PULUMI_CLI_VERSION (the module proxy does not serve that release)"
  fi
  log "  language host:  $TOOLCHAIN_BIN_DIR/pulumi-language-nodejs (this folder's host, built on sdk $langhost_sdk)"
  log "  plugins:        $TOOLCHAIN_PLUGIN_CACHE (installed into PULUMI_HOME=$TOOLCHAIN_PULUMI_HOME)"
  if [[ " ${PLUGINS[*]} " == *" kubernetes "* ]]; then
    log "  kubernetes:     $(toolchain_plugin_dir kubernetes "$KUBERNETES_PROVIDER_VERSION")/pulumi-resource-kubernetes"
  fi
  log "  use:            source $TOOLCHAIN_SCRIPT_DIR/env.sh"
  # The project's Node 22 (npm package `node`) follows the CLI on PATH: @pulumi/pulumi 3.270 needs it.
  local path_prefix="$TOOLCHAIN_BIN_DIR"
  if [[ -x "$TOOLCHAIN_REPO_ROOT/node_modules/.bin/node" ]]; then
    path_prefix+=":$TOOLCHAIN_REPO_ROOT/node_modules/.bin"
  fi
  # shellcheck disable=SC2016 # $PATH is for the shell that evaluates this line
  printf 'export PATH="%s:$PATH" PULUMI_HOME="%s" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true\n' \
    "$path_prefix" "$TOOLCHAIN_PULUMI_HOME"
}

# ---------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------

main() {
  local with_kubernetes=0
  case "$*" in
    "") ;;
    --with-kubernetes) with_kubernetes=1 ;;
    *)
      toolchain_usage "$0"
      exit 2
      ;;
  esac

  toolchain_load_versions || die "could not read versions from package-lock.json"
  PLUGINS=(random docker)
  if ((with_kubernetes)); then
    KUBERNETES_PROVIDER_VERSION="$(toolchain_lock_version @pulumi/kubernetes)" ||
      die "--with-kubernetes needs @pulumi/kubernetes in package-lock.json"
    PLUGINS+=(kubernetes)
  fi
  log "Pulumi CLI v$PULUMI_CLI_VERSION (pinned in lib.sh); package-lock.json: @pulumi/pulumi $PULUMI_SDK_VERSION, plugins $(plugins_with_versions)"

  if ambient_pulumi_is_enough; then
    printf 'export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true\n'
    return 0
  fi

  local name
  for name in random docker; do
    [[ -n "${PROVIDER_RECIPES[$name@$(provider_version "$name")]:-}" ]] ||
      die "no offline recipe for @pulumi/$name $(provider_version "$name"): add one to PROVIDER_RECIPES in $0"
  done
  if ((with_kubernetes)); then
    [[ -n "${KUBERNETES_RECIPES[$KUBERNETES_PROVIDER_VERSION]:-}" ]] ||
      die "no offline recipe for @pulumi/kubernetes $KUBERNETES_PROVIDER_VERSION: add the provider/v4 pseudo-version" \
        "of its release commit to KUBERNETES_RECIPES in $0"
  fi

  setup_go
  setup_cache
  LOG_DIR="$TOOLCHAIN_CACHE/logs/$(date -u +%Y%m%dT%H%M%SZ)-$$"
  mkdir -p "$LOG_DIR"
  WORK_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/migration-toolchain.XXXXXX")"
  if [[ "${MIGRATION_TOOLCHAIN_KEEP_WORK:-0}" == 1 ]]; then
    log "keeping build folders in $WORK_ROOT"
  else
    trap 'rm -rf "$WORK_ROOT"' EXIT
  fi

  # Recipes of what is cached now vs. what would be built now.
  CLI_RECIPE="$(recipe_hash cli "$PULUMI_CLI_VERSION" "${MIGRATION_TOOLCHAIN_EXACT:-0}")"
  LANGHOST_RECIPE="$(recipe_hash langhost "$PULUMI_CLI_VERSION" "$PULUMI_SDK_VERSION" \
    "$TOOLCHAIN_SCRIPT_DIR/langhost-nodejs/main.go")"
  declare -gA PROVIDER_RECIPE_HASH=()
  for name in random docker; do
    local v src="$TOOLCHAIN_SCRIPT_DIR/providers"
    v="$(provider_version "$name")"
    PROVIDER_RECIPE_HASH[$name]="$(recipe_hash "$name" "$v" "${PROVIDER_RECIPES[$name@$v]}" \
      "$src/$name/info.go" "$src/$name/tfgen.go" "$src/$name/shim/shim.go" "$src/common/names/names.go" \
      "$src/common/main/main_provider.go" "$src/common/main/main_tfgen.go")"
  done

  local lane_a=() lane_b=()
  if stamp_matches "$TOOLCHAIN_CLI_DIR/stamps/cli" "$CLI_RECIPE" && [[ -x "$TOOLCHAIN_BIN_DIR/pulumi" ]]; then
    log "cli: cached ($(stamp_field "$TOOLCHAIN_CLI_DIR/stamps/cli" version))"
    CLI_BUILD_VERSION="$(stamp_field "$TOOLCHAIN_CLI_DIR/stamps/cli" version)"
  else
    log "cli: resolving a buildable github.com/pulumi/pulumi/pkg/v3 version (wanted v$PULUMI_CLI_VERSION)"
    resolve_cli_version || die "cannot build the Pulumi CLI (see above)"
    queue_step cli
    lane_a+=("cli:build_cli:$CLI_BUILD_VERSION")
  fi
  if stamp_matches "$TOOLCHAIN_CLI_DIR/stamps/langhost" "$LANGHOST_RECIPE" &&
    [[ -x "$TOOLCHAIN_BIN_DIR/pulumi-language-nodejs" ]]; then
    log "langhost: cached"
  else
    queue_step langhost
    lane_a+=("langhost:build_langhost:$CLI_BUILD_VERSION")
  fi
  for name in random docker; do
    local v
    v="$(provider_version "$name")"
    if stamp_matches "$(toolchain_plugin_dir "$name" "$v")/.stamp" "${PROVIDER_RECIPE_HASH[$name]}"; then
      log "provider-$name: cached ($(toolchain_plugin_dir "$name" "$v"))"
    else
      queue_step "provider-$name"
      lane_b+=("provider-$name:build_provider:$name:$v")
    fi
  done

  LANE_PIDS=()
  if ((${#lane_a[@]} + ${#lane_b[@]} > 0)); then
    log "building in two lanes: [${lane_a[*]:-}] and [${lane_b[*]:-}]; logs in $LOG_DIR"
    ((${#lane_a[@]})) && start_lane "${lane_a[@]}"
    ((${#lane_b[@]})) && start_lane "${lane_b[@]}"
    wait_for_lanes
    fail_with_logs
    log "all builds finished in $(format_duration $((SECONDS - RUN_STARTED)))"
  fi
  touch "$TOOLCHAIN_CLI_DIR/.complete"

  install_plugins random docker
  if ((with_kubernetes)); then ensure_kubernetes_provider; fi
  log "$("$TOOLCHAIN_BIN_DIR/pulumi" version) at $TOOLCHAIN_BIN_DIR/pulumi"
  print_summary_and_env
}

main "$@"
