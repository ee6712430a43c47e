#!/bin/sh
# Side by side: bench/dom0-boot.sh on Debian's Xen 4.17 and on cxen, one
# after the other on this machine with the same dom0, QEMU machine and CPU
# model, then the ratio cxen / Xen of the medians for each marker (below 1:
# cxen is faster).
#   bench/dom0-boot-compare.sh [RUNS]     (default 3; `make` first: build/)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench/dom0-boot.sh xen "$runs" > "$tmp/xen"
bench/dom0-boot.sh cxen "$runs" > "$tmp/cxen"
cat "$tmp/xen"
echo
cat "$tmp/cxen"
echo
# The medians of each table's rows, in order: kernel, init, xenstored, ready.
medians() { grep '^| [a-z/]' "$1" | grep -v '^| marker' | awk -F'|' '{ gsub(/ /, "", $3); print $3 }'; }
medians "$tmp/xen" > "$tmp/xm"
medians "$tmp/cxen" > "$tmp/cm"
echo "Ratio cxen / Xen 4.17 of the medians (\`bench/dom0-boot-compare.sh $runs\`):"
echo
echo "| marker | Xen 4.17 (s) | cxen (s) | cxen / Xen |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "dom0 kernel's first line" "/init runs" "xenstored answers" "xenconsoled up (ready)" > "$tmp/names"
paste -d'|' "$tmp/names" "$tmp/xm" "$tmp/cm" | awk -F'|' '{ printf "| %s | %s | %s | %.2f |\n", $1, $2, $3, $3 / $2 }'
