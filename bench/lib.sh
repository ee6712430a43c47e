# Shared by the bench/*.sh scripts (sourced).

# bench_setup [RUNS]: work from the repository's top, $runs = RUNS (default
# 5), and a scratch directory $tmp removed on exit.
bench_setup() {
    cd "$(dirname "$0")/.."
    runs=${1:-5}
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
}

# distribution FILE: one number per line -> "n median min max".
distribution() {
    sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print NR, v[int((NR + 1) / 2)], v[1], v[NR] }'
}
