#!/usr/bin/env bash
# One entry point for a fresh machine: installs what Stance needs (pnpm, system tools,
# dependencies from the lockfile), then runs `start` (the demo) or `test` (the suite).
#   bash scripts/bootstrap.sh start     # install, then run the embedded demo
#   bash scripts/bootstrap.sh test      # install, then typecheck and run every test
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0
what="${1:-start}"
shift || true

log() { printf '[bootstrap] %s\n' "$*" >&2; }

need_apt=()
if [ "$what" = "test" ]; then
  command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
  command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  # promtool (checks /metrics and unit-tests the alert rules) ships in Debian's prometheus.
  command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
fi
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing system packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  log "installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1
fi

# better-sqlite3 compiles from source against the local Node headers.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
log "installing dependencies (frozen lockfile)"
pnpm install --frozen-lockfile --reporter=append-only >&2

case "$what" in
  start) exec pnpm --silent start "$@" ;;
  test)
    bash scripts/install-kube-tools.sh >/dev/null  # helm + kubectl for the chart's tests
    pnpm --silent typecheck
    pnpm --silent proto:check
    exec pnpm --silent test "$@"
    ;;
  *) log "usage: bash scripts/bootstrap.sh start|test"; exit 2 ;;
esac
