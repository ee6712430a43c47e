#!/bin/sh
# Null hypercall round trip, in guest TSC cycles, measured by the bench
# kernel (guests/bench/hypercall.cpp) over RUNS boots of cxen under QEMU.
# Prints a Markdown section for BENCHMARKS.md. Run `make` first.
#   bench/hypercall.sh [RUNS]
set -eu
. "$(dirname "$0")/lib.sh"
bench_setup "$@"
printf 'name = "bench"\ntype = "pvh"\nmemory = 32\nvcpus = 1\nkernel = "%s"\ncmdline = "require_xen"\n' \
    "$PWD/build/guests/bench_hypercall.elf" > "$tmp/bench.cfg"
: > "$tmp/medians"
for i in $(seq "$runs"); do
    scripts/cxen-run --smp 2 --quiet --log "$tmp/log" "$tmp/bench.cfg" 2>/dev/null || true
    line=$(grep -o 'BENCH null_hypercall_cycles.*' "$tmp/log" | head -1)
    [ -n "$line" ] || { echo "run $i: no BENCH line" >&2; exit 1; }
    echo "$line" | sed 's/.*median=\([0-9]*\).*/\1/' >> "$tmp/medians"
    echo "run $i: $line" >&2
done
read -r n median min max <<EOD
$(distribution "$tmp/medians")
EOD
cat <<EOT
## Null hypercall round trip

\`bench/hypercall.sh $runs\` on $(date -u +%Y-%m-%d), $(nproc) host cores, QEMU TCG
(\`-cpu EPYC,+svm,+npt,-monitor -smp 2\`): xen_version(XENVER_version) from a
PVH test kernel, cycles of the guest TSC per call (the TSC runs at the host's
rate; under emulation one VMMCALL exit costs what QEMU's SVM emulation costs).
Each boot measures 64 batches of 256 calls; the per-boot median over batches
is taken, and across $n boots:

| median | min | max |
| --- | --- | --- |
| $median | $min | $max |
EOT
