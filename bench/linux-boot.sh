#!/bin/sh
# Time from hypervisor start to the Linux guest's init marker: the demo's
# first Linux guest (Debian's stock kernel, 2 vCPUs, 256 MiB, busybox
# initramfs; scripts/make-demo.sh) booted alone RUNS times with
# console_timestamps=boot, reading the hypervisor's stamp on the guest's
# "CXEN-DEMO-MARKER" line (seconds of hypervisor system time, i.e. of the
# emulated TSC since boot). Prints a Markdown section for BENCHMARKS.md.
# Run `make` and `make guest-kernel` first.
#   bench/linux-boot.sh [RUNS]
set -eu
. "$(dirname "$0")/lib.sh"
bench_setup "$@"
scripts/make-demo.sh .cache/guest build/guests "$tmp/demo"
: > "$tmp/seconds"
: > "$tmp/wall"
for i in $(seq "$runs"); do
    start=$(date +%s.%N)
    scripts/cxen-run --smp 4 --mem 1G --quiet --log "$tmp/log" --cmdline console_timestamps=boot \
        "$tmp/demo/linux1.cfg" 2>"$tmp/err" || cat "$tmp/err" >&2
    end=$(date +%s.%N)
    s=$(sed -n 's/^(d1) \[ *\([0-9.]*\)\] CXEN-DEMO-MARKER.*/\1/p' "$tmp/log" | head -1)
    [ -n "$s" ] || { echo "run $i: no marker" >&2; tail -20 "$tmp/log" >&2; exit 1; }
    echo "$s" >> "$tmp/seconds"
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f\n", b - a }' >> "$tmp/wall"
    echo "run $i: marker at $s s of hypervisor time" >&2
done
read -r n median min max <<EOD
$(distribution "$tmp/seconds")
EOD
read -r _ wmedian wmin wmax <<EOD
$(distribution "$tmp/wall")
EOD
cat <<EOT
## Hypervisor start to Linux init

\`bench/linux-boot.sh $runs\` on $(date -u +%Y-%m-%d), $(nproc) host cores, QEMU TCG
(\`-cpu EPYC,+svm,+npt,-monitor -smp 4 -m 1G\`): Debian's stock
$(ls .cache/guest/kernel/boot/ | sed -n 's/^vmlinuz-//p' | head -1) kernel as a 2-vCPU, 256 MiB PVH guest with
a busybox initramfs. Seconds of hypervisor system time (console_timestamps=boot)
from the hypervisor's start to the guest's init marker, across $n boots:

| median | min | max |
| --- | --- | --- |
| $median | $min | $max |

Per-boot (s): $(paste -sd, "$tmp/seconds" | sed 's/,/, /g').
Host wall-clock seconds for the whole \`cxen-run\` (QEMU start to exit, including
the bzImage unpacking): median $wmedian, min $wmin, max $wmax.
EOT
