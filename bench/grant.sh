#!/bin/sh
# Grant-table throughput between two domains, measured by the bench kernel
# (guests/bench/grant.cpp) over RUNS boots of cxen under QEMU: map+unmap
# pairs per second, and GNTTABOP_copy MiB/s for one 4 KiB page per hypercall
# and for 16 pages per hypercall. Prints a Markdown section for
# BENCHMARKS.md. Run `make` first.
#   bench/grant.sh [RUNS]
set -eu
. "$(dirname "$0")/lib.sh"
bench_setup "$@"
for role in granter mapper; do
    peer=$([ $role = granter ] && echo 2 || echo 1)
    printf 'name = "%s"\ntype = "pvh"\nmemory = 32\nvcpus = 1\nkernel = "%s"\ncmdline = "require_xen bench.role=%s event.peer=%s"\n' \
        "$role" "$PWD/build/guests/bench_grant.elf" "$role" "$peer" > "$tmp/$role.cfg"
done
: > "$tmp/pairs"; : > "$tmp/copy1"; : > "$tmp/copy16"
# rate KEY UNIT_BYTES: per-boot median cycles -> units (or MiB) per second
rate() {
    line=$(grep -o "BENCH $1 .*" "$tmp/log" | head -1)
    [ -n "$line" ] || { echo "run $i: no BENCH $1 line" >&2; tail -20 "$tmp/log" >&2; exit 1; }
    echo "run $i: $line" >&2
    echo "$line" | awk -v bytes="$2" '{
        for (f = 1; f <= NF; ++f) { split($f, kv, "="); v[kv[1]] = kv[2] }
        per_s = v["tsc_khz"] * 1000 / v["median"]
        if (bytes > 0) printf "%.1f\n", per_s * bytes / 1048576; else printf "%.0f\n", per_s }'
}
for i in $(seq "$runs"); do
    scripts/cxen-run --smp 2 --quiet --log "$tmp/log" "$tmp/granter.cfg" "$tmp/mapper.cfg" 2>/dev/null || true
    rate grant_map_unmap_pair_cycles 0 >> "$tmp/pairs"
    rate grant_copy_4k_cycles_per_page 4096 >> "$tmp/copy1"
    rate grant_copy_batch16_cycles_per_page 4096 >> "$tmp/copy16"
done
row() { read -r n median min max <<EOD
$(distribution "$tmp/$2")
EOD
echo "| $1 | $median | $min | $max |"; }
cat <<EOT
## Grant tables: map/unmap and GNTTABOP_copy

\`bench/grant.sh $runs\` on $(date -u +%Y-%m-%d), $(nproc) host cores, QEMU TCG
(\`-cpu EPYC,+svm,+npt,-monitor -smp 2\`): two 1-vCPU PVH test kernels on
different pCPUs; the granter grants 16 pages (v1), the mapper measures. Per
boot, the median over 16 batches is turned into a rate with the TSC
frequency; across $runs boots:

| operation | median | min | max |
| --- | --- | --- | --- |
$(row "map + unmap pairs per second (host mapping, r/w)" pairs)
$(row "GNTTABOP_copy MiB/s, one 4 KiB page per hypercall" copy1)
$(row "GNTTABOP_copy MiB/s, 16 pages per hypercall" copy16)
EOT
