#!/usr/bin/env bash
# Provides egctl (Envoy Gateway's CLI, whose `x translate` is Envoy Gateway's own translator) at
# <install-dir>/<version>/egctl for the translation tests. Called by the Maven build before the integration tests
# (pre-integration-test), so `quarkus:dev` and -DskipTests never need it. There is no prebuilt egctl in the
# registries the build uses, so it is compiled with `go install` through the Go module proxy: about 7 minutes on
# 2 cores, once; later builds find the binary and return at once.
set -euo pipefail
version="$1"
mkdir -p "$2"
dir=$(cd "$2" && pwd)
target="$dir/$version"
bin="$target/egctl"
module="github.com/envoyproxy/gateway/cmd/egctl@$version"

# A release binary reports its version (`egctl version --remote=false`, set at link time); one built by
# `go install` reports an empty one, so its module version is read from the binary's build information.
is_pinned() {
  [ "$("$1" version --remote=false 2>/dev/null)" = "$version" ] && return 0
  command -v go >/dev/null 2>&1 \
    && go version -m "$1" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+github.com/envoyproxy/gateway[[:space:]]+$version([[:space:]]|\$)"
}

if [ -n "${EGCTL_BIN:-}" ]; then
  if [ -x "$EGCTL_BIN" ] && is_pinned "$EGCTL_BIN"; then exit 0; fi
  echo "ERROR: EGCTL_BIN=$EGCTL_BIN is not an egctl $version (neither '$EGCTL_BIN version --remote=false' nor 'go version -m $EGCTL_BIN' says $version). Unset it to let the build install egctl $version." >&2
  exit 1
fi
if [ -x "$bin" ] && is_pinned "$bin"; then
  exit 0
fi
# Another version would translate differently from what the tests pin, so only the pinned one is taken from PATH.
if command -v egctl >/dev/null 2>&1 && is_pinned "$(command -v egctl)"; then
  mkdir -p "$target"
  ln -sfn "$(command -v egctl)" "$bin"
  echo "Using $(command -v egctl) (egctl $version, linked as $bin)"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
ERROR: cannot install egctl $version (Envoy Gateway's translator, needed by the Envoy Gateway translation tests):
  egctl has to be compiled from source, and there is no Go toolchain ('go') on PATH.
  Fix one of:
    - install Go (https://go.dev/dl/; Debian/Ubuntu: sudo apt-get install golang-go), then re-run the build; it runs
      go install $module (egctl $version needs Go 1.26.7; an older Go 1.21+ fetches that toolchain itself);
    - or set EGCTL_BIN to an egctl $version binary (e.g. from https://github.com/envoyproxy/gateway/releases/tag/$version).
MSG
  exit 1
fi

echo "Compiling egctl $version into $target (go install $module, through the Go module proxy; about 7 minutes on 2 cores, once) ..."
partial="$target.partial"
rm -rf "$partial"
mkdir -p "$partial"
start=$SECONDS
if ! GOBIN="$partial" go install "$module"; then
  rm -rf "$partial"
  cat >&2 <<MSG
ERROR: go install $module failed (output above).
  Check that the Go module proxy is reachable ('go env GOPROXY'; default https://proxy.golang.org), that 'go env GOTOOLCHAIN'
  allows fetching Go 1.26.7 if 'go version' is older, or set EGCTL_BIN to an egctl $version binary.
MSG
  exit 1
fi
rm -rf "$target"
mv "$partial" "$target"
if ! is_pinned "$bin"; then
  echo "ERROR: $bin was built but 'go version -m $bin' does not report $version. Set EGCTL_BIN to an egctl $version binary." >&2
  exit 1
fi
echo "egctl $version installed in $((SECONDS - start)) s"
