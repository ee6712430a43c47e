#!/bin/sh
# EVTCHNOP_send cost under the FIFO ABI with 10, 1,000 and 100,000 bound
# ports, in guest TSC cycles, measured by the bench kernel
# (guests/bench/evtchn_send.cpp) over RUNS boots of cxen under QEMU. Prints
# a Markdown section for BENCHMARKS.md. Run `make` first.
#   bench/evtchn-send.sh [RUNS]
set -eu
. "$(dirname "$0")/lib.sh"
bench_setup "$@"
printf 'name = "send"\ntype = "pvh"\nmemory = 32\nvcpus = 1\nkernel = "%s"\ncmdline = "require_xen"\nmax_event_channels = 131071\n' \
    "$PWD/build/guests/bench_evtchn_send.elf" > "$tmp/send.cfg"
for i in $(seq "$runs"); do
    scripts/cxen-run --smp 2 --quiet --log "$tmp/log" "$tmp/send.cfg" 2>/dev/null || true
    n=$(grep -c 'BENCH evtchn_send_cycles' "$tmp/log" || true)
    [ "$n" = 3 ] || { echo "run $i: $n BENCH lines, expected 3" >&2; tail -20 "$tmp/log" >&2; exit 1; }
    grep -o 'BENCH evtchn_send_cycles.*' "$tmp/log" | while read -r line; do
        echo "run $i: $line" >&2
        ports=$(echo "$line" | sed 's/.*ports=\([0-9]*\).*/\1/')
        echo "$line" | sed 's/.*median=\([0-9]*\).*/\1/' >> "$tmp/ports-$ports"
    done
done
cat <<EOT
## Event-channel send cost against bound ports (FIFO ABI)

\`bench/evtchn-send.sh $runs\` on $(date -u +%Y-%m-%d), $(nproc) host cores, QEMU TCG
(\`-cpu EPYC,+svm,+npt,-monitor -smp 2\`): one 1-vCPU PVH test kernel with
the FIFO ABI binds loopback channels to itself and sends on the newest,
whose receiving end is masked (each send sets PENDING; the guest clears it).
Guest TSC cycles per EVTCHNOP_send; per boot the median over 32 batches of
256 sends, and across $runs boots:

| bound ports | median | min | max |
| --- | --- | --- | --- |
EOT
for f in $(ls "$tmp"/ports-* | sort -t- -k2 -n); do
    read -r n median min max <<EOD
$(distribution "$f")
EOD
    echo "| ${f##*-} | $median | $min | $max |"
done
