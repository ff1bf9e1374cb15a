#!/usr/bin/env bash
# Provides prometheus and promtool (Debian package prometheus) at <install-dir>/prometheus and <install-dir>/promtool
# for the monitoring tests (MonitoringIT, PrometheusRulesIT). Called by the Maven build before the integration tests
# (pre-integration-test). Needs no root: when they are not installed, the package is fetched with `apt-get download` and
# its two binaries are unpacked into the folder. Both are static Go programs, so none of the package's other
# dependencies (the web console's JavaScript) is needed.
set -euo pipefail
mkdir -p "$1"
dir=$(cd "$1" && pwd)

fail() {
  rm -rf "$dir/.partial"
  cat >&2 <<MSG
ERROR: cannot provide prometheus and promtool (Debian/Ubuntu package prometheus) for the monitoring tests.
  $1
  Fix one of:
    - sudo apt-get install prometheus, then re-run the build (the service it installs need not run);
    - or set PROMETHEUS_BIN and PROMTOOL_BIN to working binaries (Prometheus 2.42 or later).
MSG
  exit 1
}

works() {
  "$1" --version >/dev/null 2>&1
}

# One tool: its *_BIN variable (which the tests read first), the folder, or PATH (linked into the folder); 1 when none
# works.
provide() {
  local tool=$1 override=$2
  if [ -n "$override" ]; then
    if [ -x "$override" ] && works "$override"; then
      return 0
    fi
    echo "ERROR: ${tool^^}_BIN=$override is not a working $tool ('$override --version' fails). Unset it to let the build provide $tool." >&2
    exit 1
  fi
  if [ -x "$dir/$tool" ] && works "$dir/$tool"; then
    return 0
  fi
  if command -v "$tool" >/dev/null 2>&1 && works "$(command -v "$tool")"; then
    ln -sfn "$(command -v "$tool")" "$dir/$tool"
    echo "Using $(command -v "$tool") (linked as $dir/$tool)"
    return 0
  fi
  return 1
}

missing=()
provide prometheus "${PROMETHEUS_BIN:-}" || missing+=(prometheus)
provide promtool "${PROMTOOL_BIN:-}" || missing+=(promtool)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

for tool in apt-get dpkg-deb; do
  command -v "$tool" >/dev/null 2>&1 || fail "${missing[*]} not on PATH, and $tool (needed to fetch the package without root) is missing too."
done

echo "Fetching the Debian package prometheus into $dir (apt-get download, no root) for: ${missing[*]} ..."
partial="$dir/.partial"
rm -rf "$partial"
mkdir -p "$partial/debs" "$partial/root"
cd "$partial/debs"
if ! apt-get download prometheus >download.log 2>&1; then
  fail "apt-get download prometheus failed: $(tail -n 3 download.log | tr '\n' ' ') (stale package lists? sudo apt-get update)"
fi
dpkg-deb -x ./prometheus_*.deb "$partial/root"

cd "$dir"
for tool in "${missing[@]}"; do
  bin="$partial/root/usr/bin/$tool"
  [ -x "$bin" ] || fail "the package prometheus has no usr/bin/$tool."
  rm -f "$tool"
  mv "$bin" "$tool"
  if ! "./$tool" --version >/dev/null 2>&1; then
    fail "$dir/$tool was installed but does not run: $("./$tool" --version 2>&1 | head -n 3 | tr '\n' ' ')"
  fi
  echo "  $("./$tool" --version 2>&1 | head -n 1) at $dir/$tool"
done
rm -rf "$partial"
