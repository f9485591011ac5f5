#!/usr/bin/env bash
# What `npm start` runs: brings Argus up from a fresh clone. Installs npm dependencies when
# node_modules is missing or older than package-lock.json, builds when dist/ is missing or older
# than the sources, then replaces itself with `argus server` (flags pass through:
# `npm start -- --listen :9999`). Signals reach the server directly (exec).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v node >/dev/null 2>&1; then
  echo "argus: Node.js 20 or newer is required (apt-get install nodejs)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "argus: Node.js 20 or newer is required, found $(node --version)" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "argus: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

# dist/.build-stamp marks the last successful build (tsc's incremental mode leaves unchanged
# outputs untouched, so their mtimes cannot tell).
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ ! -f dist/cmd/main.js ] ||
  [ -n "$(find src cmd package.json package-lock.json tsconfig.json -newer "$stamp" -print -quit)" ]; then
  echo "argus: building (tsc)" >&2
  npx tsc -p tsconfig.json >&2
  touch "$stamp"
fi

# The web UI (dist/ui): rebuilt when web/ or the shared API types changed.
webstamp=dist/ui/.build-stamp
if [ ! -f "$webstamp" ] ||
  [ -n "$(find web src/api package-lock.json -newer "$webstamp" -not -path 'web/node_modules/*' -print -quit)" ]; then
  echo "argus: building the web UI (vite)" >&2
  npm run --silent build:web >&2
  touch "$webstamp"
fi

exec node bin/argus server "$@"
