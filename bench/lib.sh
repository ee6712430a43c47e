# Shared by the bench/*.sh scripts (sourced).
# distribution FILE: one number per line -> "n median min max".
distribution() {
    sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print NR, v[int((NR + 1) / 2)], v[1], v[NR] }'
}
