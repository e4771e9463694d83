#!/usr/bin/env bash
# The cutover workflow's step: runs `npm run cutover` with the arguments the workflow's inputs ask for (given as
# environment variables, so no input is ever pasted into a command line), then writes the stack's migration report
# to reports/migration-report.md for the run's artifacts, whatever the command's outcome. Exits with the command's code.
# Environment: CUTOVER_STACK, CUTOVER_COMMAND (status|advance|rollback|report), and for advance/rollback
# CUTOVER_ROUTE, CUTOVER_REASON, for advance CUTOVER_TO and CUTOVER_DRY_RUN (true|false).
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_env CUTOVER_STACK CUTOVER_COMMAND
cd "$CI_REPO_ROOT"

args=("$CUTOVER_COMMAND" --stack "$CUTOVER_STACK")
case "$CUTOVER_COMMAND" in
  status | report) ;;
  advance | rollback)
    [ -z "${CUTOVER_ROUTE:-}" ] || args+=(--route "$CUTOVER_ROUTE")
    [ -z "${CUTOVER_REASON:-}" ] || args+=(--reason "$CUTOVER_REASON")
    if [ "$CUTOVER_COMMAND" = advance ]; then
      [ -z "${CUTOVER_TO:-}" ] || args+=(--to "$CUTOVER_TO")
      [ "${CUTOVER_DRY_RUN:-false}" != true ] || args+=(--dry-run)
    fi
    ;;
  *) die "CUTOVER_COMMAND is \"$CUTOVER_COMMAND\"; expected status, advance, rollback or report" ;;
esac

status=0
npm run --silent cutover -- "${args[@]}" || status=$?
mkdir -p reports
npm run --silent cutover -- report --stack "$CUTOVER_STACK" >reports/migration-report.md
exit "$status"
