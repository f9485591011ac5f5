#!/usr/bin/env bash
# Installs the given Debian packages when missing (no-op when all are present).
# Runs as root (no sudo on CI). Package maintainer scripts are forbidden from starting services
# (a temporary policy-rc.d), because the `prometheus` and `prometheus-node-exporter` packages
# would otherwise start daemons on :9090 and :9100; benchmarks and tests start their own
# instances on free loopback ports.
# Usage: tools/scripts/ensure-debian.sh PKG...   (e.g. prometheus prometheus-node-exporter)
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 PKG..." >&2
  exit 2
fi

missing=()
for pkg in "$@"; do
  if dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
    echo "ensure-debian: $pkg already installed"
  else
    missing+=("$pkg")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-debian: cannot install ${missing[*]}: must run as root (got uid $(id -u))" >&2
  exit 1
fi

# Keep maintainer scripts from starting daemons; restore any existing policy afterwards.
policy=/usr/sbin/policy-rc.d
backup=""
if [ -e "$policy" ]; then
  backup="$(mktemp)"
  cp -p "$policy" "$backup"
fi
restore_policy() {
  if [ -n "$backup" ]; then mv -f "$backup" "$policy"; else rm -f "$policy"; fi
}
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' >"$policy"
chmod 755 "$policy"

echo "ensure-debian: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Belt and braces: where systemd runs, make sure no packaged service stays up or comes back.
for pkg in "${missing[@]}"; do
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    if systemctl list-unit-files "$pkg.service" >/dev/null 2>&1; then
      systemctl disable --now "$pkg.service" >/dev/null 2>&1 || true
      echo "ensure-debian: stopped and disabled $pkg.service"
    fi
  fi
done
echo "ensure-debian: installed ${missing[*]}"
