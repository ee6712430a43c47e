#!/bin/sh
# Verify a Promela model with spin in a fresh working directory (pan writes
# its sources, binary and trail files there). Used by tests/model/CMakeLists.txt.
#
# usage: run_spin.sh [--liveness] [--no-assert] [--expect-error REGEX] MODEL WORKDIR [SPIN_OPTS...]
#   --liveness          search for acceptance cycles under weak fairness
#                       (pan -a -f); the default is a safety search
#   --no-assert         ignore assertions (pan -A), so that only the claim
#                       can find an error
#   --expect-error RE   the run must find an error and pan's output must
#                       match the extended regex RE (for broken variants)
#   SPIN_OPTS           passed to spin -a, e.g. -DCLAIM_WELL_FORMED -DSENDS_A=1
#
# Fails when pan reports errors (or none, with --expect-error), when the
# search was cut short by the depth limit, or when any tool fails.
set -eu

liveness=0
expect=""
noassert=""
while [ $# -gt 0 ]; do
    case "$1" in
        --liveness) liveness=1; shift ;;
        --no-assert) noassert="-A"; shift ;;
        --expect-error) expect="$2"; shift 2 ;;
        *) break ;;
    esac
done
[ $# -ge 2 ] || { echo "usage: $0 [--liveness] [--no-assert] [--expect-error RE] MODEL WORKDIR [SPIN_OPTS...]" >&2; exit 2; }
model=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
workdir=$2
shift 2

SPIN=${SPIN:-spin}
CC=${CC:-cc}
DEPTH=10000

rm -rf "$workdir"
mkdir -p "$workdir"
cd "$workdir"

echo "spin -a $* $model"
"$SPIN" -a "$@" "$model" >spin.out 2>&1 || { cat spin.out; echo "run_spin: spin -a failed" >&2; exit 1; }

# pan needs one fairness slot per process for -f: six processes here.
if [ "$liveness" = 1 ]; then
    cflags="-DNFAIR=3"
    panflags="-a -f"
else
    cflags="-DSAFETY"
    panflags=""
fi
panflags="$panflags $noassert"
# -w: pan.c is generated code and warns a lot. A broken variant stops at its
# first error within a few thousand states: -O0 compiles fastest. A full
# search gains nothing from -O2 over -O1.
opt=-O1
[ -n "$expect" ] && opt=-O0
"$CC" $opt -w $cflags -o pan pan.c || { echo "run_spin: compiling pan.c failed" >&2; exit 1; }

echo "./pan -m$DEPTH $panflags"
start=$(date +%s.%N)
./pan -m$DEPTH $panflags >pan.out 2>&1 || true
end=$(date +%s.%N)
grep -E "errors:|states, stored|transitions|total actual memory|violated|end state in claim|acceptance cycle|max search depth|elapsed" pan.out || true
awk -v s="$start" -v e="$end" 'BEGIN { printf "run_spin: pan took %.2f s\n", e - s }'

errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' pan.out | tail -1)
[ -n "$errors" ] || { cat pan.out; echo "run_spin: no result from pan" >&2; exit 1; }

if [ -n "$expect" ]; then
    if [ "$errors" -gt 0 ] && grep -Eq "$expect" pan.out; then
        echo "run_spin: error found as expected"
        exit 0
    fi
    echo "run_spin: expected an error matching '$expect', pan found $errors" >&2
    exit 1
fi

if grep -q "max search depth too small" pan.out; then
    echo "run_spin: search incomplete: raise DEPTH (now $DEPTH)" >&2
    exit 1
fi
if [ "$errors" -ne 0 ]; then
    echo "run_spin: pan found $errors error(s); counterexample:" >&2
    trail=$(ls ./*.trail 2>/dev/null | head -1)
    if [ -n "$trail" ]; then
        "$SPIN" -t -k "$trail" -p "$@" "$model" 2>&1 | tail -80
    fi
    exit 1
fi
echo "run_spin: verified, no errors"
