#!/usr/bin/env bash
# Runs a benchmark by name: `npm run bench -- NAME [ARGS...]`, `npm run bench -- --list`.
# NAME is a whole-system benchmark bench/NAME.ts, else a micro-benchmark src/**/NAME.bench.ts.
# Builds with tsc first (dist/), then runs the compiled file with ARGS.
set -euo pipefail
cd "$(dirname "$0")/../.."

list() {
  echo "whole-system (bench/):"
  find bench -maxdepth 1 -name '*.ts' -printf '  %f\n' 2>/dev/null | sed 's/\.ts$//' | sort
  echo "micro (src/**/*.bench.ts):"
  find src -name '*.bench.ts' -not -path '*/testdata/*' 2>/dev/null | sort | sed -E 's#^(.*/)?([^/]+)\.bench\.ts$#  \2  (&)#'
}

if [ "$#" -eq 0 ] || [ "$1" = "--list" ] || [ "$1" = "-l" ]; then
  list
  [ "$#" -eq 0 ] && { echo "usage: npm run bench -- NAME [ARGS...] | --list" >&2; exit 2; }
  exit 0
fi
name="$1"
shift

if [ -f "bench/$name.ts" ]; then
  js="dist/bench/$name.js"
  # Whole-system benchmarks compare against the Debian peers; install them when missing.
  bash tools/scripts/ensure-debian.sh prometheus
  # The alerts benchmark's peer is Prometheus + Alertmanager 0.25 (its service is not started).
  if [ "$name" = alerts ]; then bash tools/scripts/ensure-debian.sh prometheus-alertmanager; fi
  if [ "$name" = checks ]; then bash tools/scripts/ensure-debian.sh prometheus-blackbox-exporter; fi
else
  mapfile -t found < <(find src -name "$name.bench.ts" -not -path '*/testdata/*' 2>/dev/null | sort)
  if [ "${#found[@]}" -eq 0 ]; then
    echo "bench: no bench/$name.ts and no src/**/$name.bench.ts" >&2
    list >&2
    exit 2
  fi
  if [ "${#found[@]}" -gt 1 ]; then
    echo "bench: $name is ambiguous: ${found[*]}" >&2
    exit 2
  fi
  js="dist/${found[0]%.ts}.js"
fi

[ -d node_modules ] || npm ci --no-audit --no-fund
echo "bench: building (tsc)"
# Type errors elsewhere must not block a benchmark run; the typecheck step reports them.
npx tsc -p tsconfig.json >/dev/null || echo "bench: tsc reported type errors (see npm run typecheck); running anyway" >&2
exec node --enable-source-maps "$js" "$@"
