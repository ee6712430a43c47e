#!/bin/sh
# Hostile guests at length: CALLS hypercalls (default 10 million) from
# ATTACKERS 3-vCPU attacker domains (guests/hostile/fuzz.cpp, default 2,
# granting to, mapping and binding each other), beside a 1-vCPU neighbour
# (guests/hostile/neighbour.cpp) that measures its singleshot-timer lateness
# with the pvclock and checks its memory, in one boot of cxen under QEMU.
# Reports hypercalls per second (all attackers' calls over the longest
# attacker's run, in Xen system time) and the neighbour's lateness
# (median, min, max) as a Markdown section for BENCHMARKS.md. Run `make` first.
#   bench/hostile.sh [CALLS [ATTACKERS [SEED]]]
set -eu
. "$(dirname "$0")/lib.sh"
bench_setup
calls=${1:-10000000}
attackers=${2:-2}
seed=${3:-1}
vcpus=3
per_vcpu=$((calls / attackers / vcpus))
watch=$(seq -s, 1 "$attackers")
cfgs=""
for a in $(seq "$attackers"); do
    peer=$((a % attackers + 1))
    printf 'name = "attacker%s"\ntype = "pvh"\nmemory = 32\nvcpus = %s\nkernel = "%s"\ncmdline = "require_xen hostile.seed=%s hostile.iterations=%s hostile.peer=%s"\n' \
        "$a" "$vcpus" "$PWD/build/guests/hostile.elf" "$((seed + 100 * a))" "$per_vcpu" "$peer" > "$tmp/a$a.cfg"
    cfgs="$cfgs $tmp/a$a.cfg"
done
printf 'name = "neighbour"\ntype = "pvh"\nmemory = 32\nvcpus = 1\nkernel = "%s"\ncmdline = "require_xen neighbour.watch=%s neighbour.min_ms=1000 neighbour.max_ms=36000000 neighbour.max_late_ms=1000000"\n' \
    "$PWD/build/guests/hostile_neighbour.elf" "$watch" > "$tmp/n.cfg"
start=$(date +%s)
# shellcheck disable=SC2086
scripts/cxen-run --smp 2 --quiet --timeout 36000 --log "$tmp/log" $cfgs "$tmp/n.cfg" >/dev/null 2>&1 || true
wall=$(($(date +%s) - start))
grep -a 'BENCH hostile_hypercalls\|BENCH neighbour_timer\|Free memory\|shutdown:' "$tmp/log" >&2 || true
[ -n "${BENCH_KEEP_LOG:-}" ] && cp "$tmp/log" "$BENCH_KEEP_LOG"
lat=$(grep -ao 'BENCH neighbour_timer_lateness_us.*' "$tmp/log" | head -1)
# Without the neighbour's final line (the run ended early), its last progress line.
[ -n "$lat" ] || lat=$(grep -ao 'neighbour progress.*' "$tmp/log" | tail -1)
[ -n "$lat" ] || { echo "no neighbour line" >&2; tail -40 "$tmp/log" >&2; lat="x n=- median=- min=- max=-"; }
# Per attacker: its final BENCH line, or, if it did not get there (crashed,
# corrupted), its last progress line, which also counts all its vCPUs' calls.
: > "$tmp/rates"
unfinished=""
for a in $(seq "$attackers"); do
    line=$(grep -ao "^(d$a) BENCH hostile_hypercalls.*" "$tmp/log" | head -1)
    if [ -n "$line" ]; then
        echo "$line" | sed 's/.*calls=\([0-9]*\) ns=\([0-9]*\).*/\1 \2/' >> "$tmp/rates"
    else
        unfinished="$unfinished d$a"
        grep -ao "^(d$a)   #[0-9]* on cpu0, [0-9]* on all vCPUs, [0-9]* ns" "$tmp/log" | tail -1 |
            sed 's/.*, \([0-9]*\) on all vCPUs, \([0-9]*\) ns/\1 \2/' >> "$tmp/rates"
    fi
done
read -r total seconds per_s <<EOD
$(awk '{ total += $1; if ($2 > ns) ns = $2 } END { if (ns == 0) ns = 1; printf "%d %.1f %.0f", total, ns / 1e9, total / (ns / 1e9) }' "$tmp/rates")
EOD
field() { echo "$lat" | sed "s/.* $1=\(-*[0-9]*\).*/\1/"; }
leak=$(grep -ao 'Free memory: .*' "$tmp/log" | head -1)
cat <<EOT
## Hostile guests: hypercall rate and the neighbour's timer lateness

\`bench/hostile.sh $calls $attackers $seed\` on $(date -u +%Y-%m-%d), $(nproc) host cores, QEMU TCG
(\`-cpu EPYC,+svm,+npt,-monitor -smp 2\`): $attackers attacker domains of $vcpus vCPUs
(guests/hostile/fuzz.cpp, $per_vcpu hypercalls per vCPU, six in ten structured
with real arguments, the rest random; each maps and binds the next one's
grants and ports) beside a 1-vCPU neighbour that arms singleshot timers 1-10 ms
ahead, blocks in SCHEDOP_poll and measures how late it wakes with the
pvclock. One boot, $wall s of wall-clock time.

| hypercalls | Xen seconds | hypercalls/s | neighbour timers | lateness median (us) | min (us) | max (us) |
| --- | --- | --- | --- | --- | --- | --- |
| $total | $seconds | $per_s | $(field n) | $(field median) | $(field min) | $(field max) |

Hypervisor's page count at the end: \`$leak\`.
$([ -z "$unfinished" ] || echo "
Attackers that did not finish (counted up to their last progress line):$unfinished.")
$(grep -a 'Panic on CPU\|Assertion\|crashed:' "$tmp/log" | grep -av '^(d' | sed 's/^/    /')
EOT
