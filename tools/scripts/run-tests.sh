#!/usr/bin/env bash
# Compiles the project and runs test files with node:test. With no arguments, runs every
# *.test.ts under src/, cmd/, test/, tools/ and bench/; otherwise the given .ts test files.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "${SKIP_BUILD:-}" = 1 ] || npx tsc -p tsconfig.json >/dev/null || true # type errors are reported by the typecheck step
if [ "$#" -eq 0 ]; then
  mapfile -t files < <(find src cmd test tools bench -name '*.test.ts' -not -path '*/testdata/*' 2>/dev/null | sort)
else
  files=("$@")
fi
js=()
for f in "${files[@]}"; do js+=("dist/${f%.ts}.js"); done
exec node --enable-source-maps --test --test-concurrency="${TEST_CONCURRENCY:-2}" \
  --test-reporter="${TEST_REPORTER:-spec}" "${js[@]}"
