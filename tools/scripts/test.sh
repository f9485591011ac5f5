#!/usr/bin/env bash
# The whole test suite: what `npm test` and CI (.ci/run) run. Installs what the tests need when
# missing (npm dependencies, Debian packages), then: build/typecheck, lint, format check, tests
# with line coverage of src/ (>= 85%, counting code run in spawned `argus` processes).
set -euo pipefail
cd "$(dirname "$0")/../.."
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# Real peers the compatibility tests run against (skipped with a message when absent).
bash tools/scripts/ensure-debian.sh prometheus prometheus-node-exporter prometheus-alertmanager chromium iputils-ping postgresql redis-server mariadb-server rsyslog bsdutils

step "typecheck + build"
# No `rm -rf dist`: a server started with `npm start` runs from dist/ meanwhile (tsc builds
# incrementally). Stale test files are never run (run-tests.sh lists tests from the .ts sources),
# but compiled files of removed sources would count as uncovered code (c8 `all`): drop those.
if [ -d dist ]; then
  find dist -name '*.js' -not -path 'dist/ui/*' | while read -r js; do
    ts="${js#dist/}"
    [ -e "${ts%.js}.ts" ] || rm -f "$js" "$js.map"
  done
fi
npx tsc -p tsconfig.json
npx tsc -p web/tsconfig.json
# The web UI the browser tests load (and `argus server` serves).
npm run --silent build:web
touch dist/ui/.build-stamp

step "lint"
npx eslint --max-warnings 0 .

step "format"
npx prettier --check . >/dev/null || { npx prettier --check . | tail -20; exit 1; }

step "tests + coverage"
rm -rf coverage
# c8 sets NODE_V8_COVERAGE, which node:test's per-file subprocesses and every spawned `argus`
# process inherit; coverage is mapped back to src/*.ts through the source maps.
npx c8 --config .c8rc.json bash tools/scripts/run-tests.sh
