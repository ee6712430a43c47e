#!/bin/sh
# Event-channel round trip between two domains on different pCPUs, in guest
# TSC cycles, measured by the bench kernel (guests/bench/evtchn_pingpong.cpp)
# over RUNS boots of cxen under QEMU. Prints a Markdown section for
# BENCHMARKS.md. Run `make` first.
#   bench/evtchn-pingpong.sh [RUNS]
set -eu
. "$(dirname "$0")/lib.sh"
bench_setup "$@"
for role in ping pong; do
    peer=$([ $role = ping ] && echo 2 || echo 1)
    printf 'name = "%s"\ntype = "pvh"\nmemory = 32\nvcpus = 1\nkernel = "%s"\ncmdline = "require_xen bench.role=%s event.peer=%s"\n' \
        "$role" "$PWD/build/guests/bench_evtchn_pingpong.elf" "$role" "$peer" > "$tmp/$role.cfg"
done
: > "$tmp/medians"
for i in $(seq "$runs"); do
    scripts/cxen-run --smp 2 --quiet --log "$tmp/log" "$tmp/ping.cfg" "$tmp/pong.cfg" 2>/dev/null || true
    line=$(grep -o 'BENCH evtchn_pingpong_cycles.*' "$tmp/log" | head -1)
    [ -n "$line" ] || { echo "run $i: no BENCH line" >&2; tail -20 "$tmp/log" >&2; exit 1; }
    echo "$line" | sed 's/.*median=\([0-9]*\).*/\1/' >> "$tmp/medians"
    echo "run $i: $line" >&2
done
read -r n median min max <<EOD
$(distribution "$tmp/medians")
EOD
cat <<EOT
## Event-channel ping-pong between two domains

\`bench/evtchn-pingpong.sh $runs\` on $(date -u +%Y-%m-%d), $(nproc) host cores, QEMU TCG
(\`-cpu EPYC,+svm,+npt,-monitor -smp 2\`): two 1-vCPU PVH test kernels on
different pCPUs bounce an event over an interdomain channel (2-level ABI,
masked ports, each side spinning on its pending bit). Guest TSC cycles per
round trip (two EVTCHNOP_send hypercalls and two cross-pCPU deliveries).
Each boot measures 32 batches of 64 round trips; the per-boot median over
batches is taken, and across $n boots:

| median | min | max |
| --- | --- | --- |
| $median | $min | $max |

Per-boot medians (cycles): $(paste -sd, "$tmp/medians" | sed 's/,/, /g').
EOT
