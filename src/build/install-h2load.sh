#!/usr/bin/env bash
# Provides h2load (Debian package nghttp2-client) at <install-dir>/h2load for the end-to-end performance suite.
# Called by the Maven build before the integration tests (pre-integration-test). Needs no root: when h2load
# is not installed, the package and those of its libraries the machine lacks are fetched with `apt-get download`
# and unpacked into the folder, and a wrapper points the loader at them.
set -euo pipefail
mkdir -p "$1"
dir=$(cd "$1" && pwd)
wrapper="$dir/h2load"

fail() {
  rm -rf "$dir/.partial"
  cat >&2 <<MSG
ERROR: cannot provide h2load (Debian/Ubuntu package nghttp2-client) for the end-to-end performance tests.
  $1
  Fix one of:
    - sudo apt-get install nghttp2-client, then re-run the build;
    - or set H2LOAD_BIN to a working h2load binary (nghttp2 1.52 or later).
MSG
  exit 1
}

works() {
  "$1" --version >/dev/null 2>&1
}

if [ -n "${H2LOAD_BIN:-}" ]; then
  if [ -x "$H2LOAD_BIN" ] && works "$H2LOAD_BIN"; then exit 0; fi
  echo "ERROR: H2LOAD_BIN=$H2LOAD_BIN is not a working h2load ('$H2LOAD_BIN --version' fails). Unset it to let the build provide h2load." >&2
  exit 1
fi
if [ -x "$wrapper" ] && works "$wrapper"; then
  exit 0
fi

if command -v h2load >/dev/null 2>&1 && works "$(command -v h2load)"; then
  ln -sfn "$(command -v h2load)" "$wrapper"
  echo "Using $(command -v h2load) (linked as $wrapper)"
  exit 0
fi

for tool in apt-get dpkg-deb dpkg-query; do
  command -v "$tool" >/dev/null 2>&1 || fail "h2load is not on PATH, and $tool (needed to fetch the package without root) is missing too."
done

echo "Fetching nghttp2-client and its missing libraries into $dir (apt-get download, no root) ..."
partial="$dir/.partial"
rm -rf "$partial"
mkdir -p "$partial/debs" "$partial/root"
cd "$partial/debs"
if ! apt-get download nghttp2-client >download.log 2>&1; then
  fail "apt-get download nghttp2-client failed: $(tail -n 3 download.log | tr '\n' ' ') (stale package lists? sudo apt-get update)"
fi

# The first alternative of every Depends entry, without version constraints: that is what apt would pick.
missing=()
depends=$(dpkg-deb -f nghttp2-client_*.deb Depends)
IFS=',' read -ra entries <<<"$depends"
for entry in "${entries[@]}"; do
  pkg=$(echo "${entry%%|*}" | sed -e 's/(.*)//' -e 's/[[:space:]]//g')
  [ -n "$pkg" ] || continue
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "  libraries not installed here, fetched too: ${missing[*]}"
  if ! apt-get download "${missing[@]}" >>download.log 2>&1; then
    fail "apt-get download ${missing[*]} failed: $(tail -n 3 download.log | tr '\n' ' ')"
  fi
fi
for deb in ./*.deb; do
  dpkg-deb -x "$deb" "$partial/root"
done

bin="$partial/root/usr/bin/h2load"
[ -x "$bin" ] || fail "the package nghttp2-client has no usr/bin/h2load."
libdirs=$(cd "$partial/root" && find . -name '*.so*' -printf '%h\n' | sed 's|^\./||' | sort -u | tr '\n' ' ')
libpath=""
abslibpath=""
for d in $libdirs; do
  libpath="$libpath\$here/root/$d:"
  abslibpath="$abslibpath$dir/root/$d:"
done

cat >"$partial/h2load" <<WRAPPER
#!/bin/sh
# Written by src/build/install-h2load.sh: h2load from nghttp2-client, with the libraries this machine lacks
# unpacked next to it.
here=\$(dirname "\$(readlink -f "\$0")")
LD_LIBRARY_PATH="$libpath\${LD_LIBRARY_PATH:-}" exec "\$here/root/usr/bin/h2load" "\$@"
WRAPPER
chmod +x "$partial/h2load"

cd "$dir"
rm -rf root h2load
mv "$partial/root" root
mv "$partial/h2load" h2load
rm -rf "$partial"

unresolved=$(LD_LIBRARY_PATH="$abslibpath" ldd root/usr/bin/h2load 2>&1 | grep 'not found' || true)
if [ -n "$unresolved" ]; then
  fail "h2load was unpacked into $dir but libraries are still missing: $(echo "$unresolved" | tr -s ' \t\n' ' ')"
fi
if ! "$wrapper" --version; then
  fail "$wrapper was installed but does not run: $("$wrapper" --version 2>&1 | head -n 3 | tr '\n' ' ')"
fi
