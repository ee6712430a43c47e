#!/bin/sh
# Fetch Debian packages with `apt-get download` and unpack each with
# `dpkg -x` into CACHE/<package>; nothing is installed on the host.
# Idempotent: a package whose candidate version is already unpacked is not
# fetched again (CACHE/<package>.stamp holds the version). Without an apt
# index (offline, no `apt-get update` yet) an unpacked copy is used as is.
#   scripts/fetch-debs.sh CACHE PACKAGE...
set -eu
[ $# -ge 2 ] || { echo "usage: $0 CACHE PACKAGE..." >&2; exit 2; }
cache=$1
shift
mkdir -p "$cache"
cd "$cache"

# One apt-cache call for all packages: "package version" per line.
versions=$(apt-cache show --no-all-versions "$@" 2>/dev/null |
    awk '/^Package: / { p = $2 } /^Version: / { print p, $2 }') || true

for pkg in "$@"; do
    ver=$(echo "$versions" | awk -v p="$pkg" '$1 == p { print $2; exit }')
    if [ -z "$ver" ]; then
        [ -f "$pkg.stamp" ] && continue
        echo "fetch-debs: apt knows no $pkg (run apt-get update?)" >&2
        exit 1
    fi
    [ -f "$pkg.stamp" ] && [ "$(cat "$pkg.stamp")" = "$ver" ] && continue
    rm -rf "$pkg" "$pkg.stamp" "$pkg"_*.deb
    # apt-get warns that root downloads unsandboxed; that is expected here.
    apt-get download -q "$pkg" 2>&1 >/dev/null | grep -v unsandboxed >&2 || true
    ls "$pkg"_*.deb >/dev/null 2>&1 || { echo "fetch-debs: apt-get download $pkg failed" >&2; exit 1; }
    dpkg -x "$pkg"_*.deb "$pkg"
    rm -f "$pkg"_*.deb
    echo "$ver" > "$pkg.stamp"
    echo "fetch-debs: $pkg $ver" >&2
done
