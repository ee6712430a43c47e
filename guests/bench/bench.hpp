// Helpers shared by the benchmark kernels: a serialised TSC read, sorting
// the per-batch results, and the `bench.role=` option.
#pragma once

#include "guest.hpp"

namespace cxen::guest::bench {

/// RDTSC after earlier instructions have completed (LFENCE first).
inline uint64_t rdtsc_ordered() {
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t{hi} << 32) | lo;
}

/// Ascending insertion sort (a few dozen batch results).
inline void sort(uint64_t* v, unsigned n) {
    for (unsigned i = 1; i < n; ++i)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; --j) {
            const uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/// Is the kernel's `bench.role=` option `role`?
inline bool role_is(const char* role) {
    const char* r = option("bench.role");
    return r && strcmp(r, role) == 0;
}

} // namespace cxen::guest::bench
