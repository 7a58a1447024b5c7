#!/usr/bin/env bash
# Runs every Guardia test. Installs the real peers the integration tests talk to when they are missing
# (Debian packages: prometheus, prometheus-alertmanager for Alertmanager and amtool, postgresql), then runs dotnet test
# and ends with one line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"

need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
{ command -v amtool >/dev/null 2>&1 && command -v prometheus-alertmanager >/dev/null 2>&1; } || need+=(prometheus-alertmanager)
# PostgreSQL: runbook SQL steps are tested against a real server (tests run initdb in a scratch directory).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The packages start system services where systemd runs; tests start their own instances on free ports.
  $SUDO systemctl stop prometheus prometheus-alertmanager prometheus-node-exporter postgresql >/dev/null 2>&1 || true
fi

out=$(mktemp)
dotnet build Guardia.slnx -c Release -nologo -v quiet 2>&1 | tail -n 30
build=${PIPESTATUS[0]}
if [ "$build" != 0 ]; then
  echo "0 passed, 1 failed"
  exit 1
fi
dotnet test --solution Guardia.slnx -c Release --no-build 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
total=$(grep -E '^\s*total:' "$out" | tail -n1 | grep -Eo '[0-9]+' || echo 0)
failed=$(grep -E '^\s*failed:' "$out" | tail -n1 | grep -Eo '[0-9]+' || echo 0)
passed=$(grep -E '^\s*succeeded:' "$out" | tail -n1 | grep -Eo '[0-9]+' || echo 0)
skipped=$(grep -E '^\s*skipped:' "$out" | tail -n1 | grep -Eo '[0-9]+' || echo 0)
rm -f "$out"
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
[ "$status" = 0 ]
