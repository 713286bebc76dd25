#!/usr/bin/env bash
# The README's test command. On a fresh machine of this kind (Debian, Node 20) it installs what the tests
# need (Debian's Chromium for the browser tests; npm packages), then type-checks and runs every test:
# unit, integration on a real PostgreSQL server, and browser journeys.
# With DATABASE_URL set, tests run against that PostgreSQL server; otherwise against the embedded one.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's Chromium for the browser tests…"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

npm ci --no-fund --no-audit
npm run lint
npm test
