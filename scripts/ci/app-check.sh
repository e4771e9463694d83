#!/usr/bin/env bash
# An app's own checks on the Python it runs on in production (app.yml runs this in python:2.7 or python:3.12):
# its pinned requirements install as wheels on that interpreter, every module compiles, and the app's entry module
# imports, so a construct or a dependency that the interpreter cannot take fails here, before any image is built.
# Usage: scripts/ci/app-check.sh legacy-flask|fastapi
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
app="${1:-}"
require_app "$app"
# The module that builds the app object: importing it loads every route and dependency. The database is never
# contacted at import (pools connect on first use), so a placeholder URL is enough.
declare -A entry_modules=([legacy-flask]="legacy_app.wsgi" [fastapi]="fastapi_app.main")
declare -A database_urls=([legacy-flask]="postgresql://check:check@127.0.0.1:9/check" [fastapi]="postgresql+asyncpg://check:check@127.0.0.1:9/check")
python="${PYTHON:-python}"

# Python 2.7 has no venv module: in app.yml the interpreter is a throwaway container's, so install into it directly;
# elsewhere a virtualenv keeps the machine's own Python clean.
if "$python" -c 'import venv' 2>/dev/null; then
  venv="$(mktemp -d)/venv"
  "$python" -m venv "$venv"
  python="$venv/bin/python"
fi
log "$app on $("$python" --version 2>&1): installing apps/$app/requirements.txt"
"$python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: -r "$CI_REPO_ROOT/apps/$app/requirements.txt"
log "$app: compiling every module"
"$python" -m compileall -q "$CI_REPO_ROOT/apps/$app"
log "$app: importing ${entry_modules[$app]}"
(cd "$CI_REPO_ROOT/apps/$app" && DATABASE_URL="${database_urls[$app]}" "$python" -c "import ${entry_modules[$app]}")
log "$app: ok"
