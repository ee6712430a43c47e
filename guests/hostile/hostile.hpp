// Shared by the hostile-guest kernels (guests/hostile/): the reproducible
// random source and numeric options.
#pragma once

#include "guest.hpp"

namespace cxen::guest::hostile {

// xorshift64*: small, fast, reproducible.
struct Rng {
    uint64_t s;
    uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545F4914F6CDD1Dull;
    }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
};

/// Option `key` as a decimal number, or `dflt` when absent or empty.
inline uint64_t option_u64(const char* key, uint64_t dflt) {
    const char* v = option(key);
    if (!v || !*v) return dflt;
    uint64_t x = 0;
    for (; *v >= '0' && *v <= '9'; ++v) x = x * 10 + static_cast<uint64_t>(*v - '0');
    return x;
}

/// True while domain `d` exists, seen from another domU: GNTTABOP_query_size
/// on it is refused (GNTST_permission_denied) rather than GNTST_bad_domain.
inline bool domain_exists(domid_t d) {
    gnttab_query_size_t q{};
    q.dom = d;
    if (HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1) != 0) return true; // cannot tell: assume so
    return q.status != GNTST_bad_domain;
}

} // namespace cxen::guest::hostile
