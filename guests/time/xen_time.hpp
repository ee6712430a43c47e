// Helpers for tests that read Xen time: map shared_info, read a pvclock the
// way Linux does (pvclock_clocksource_read: retry while version is odd or
// changed), and wait by polling HVMOP_get_time.
#pragma once

#include "guest.hpp"

namespace cxen::guest::xen_time {

/// A page of this kernel's bss that shared_info replaces (its RAM is given
/// back to Xen by the mapping, as Linux does with a page of its own).
inline shared_info* map_shared_info() {
    alignas(4096) static uint8_t page[4096];
    static bool mapped;
    if (!mapped) {
        xen_add_to_physmap xatp{};
        xatp.domid = DOMID_SELF;
        xatp.space = XENMAPSPACE_shared_info;
        xatp.idx = 0;
        xatp.gpfn = reinterpret_cast<uintptr_t>(page) >> 12;
        if (HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp) != 0) return nullptr;
        mapped = true;
    }
    return reinterpret_cast<shared_info*>(page);
}

inline uint64_t rdtsc() {
    uint32_t lo, hi;
    asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t{hi} << 32) | lo;
}

inline uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift) {
    if (shift < 0) delta >>= -shift;
    else delta <<= shift;
    return static_cast<uint64_t>((static_cast<unsigned __int128>(delta) * mul) >> 32);
}

/// System time in ns from a vcpu_time_info, as the guest computes it.
inline uint64_t pvclock_read(const volatile vcpu_time_info& t) {
    uint32_t version;
    uint64_t ns;
    do {
        version = t.version;
        asm volatile("" ::: "memory");
        const uint64_t tsc = rdtsc();
        const uint64_t delta = tsc > t.tsc_timestamp ? tsc - t.tsc_timestamp : 0;
        ns = t.system_time + scale_delta(delta, t.tsc_to_system_mul, t.tsc_shift);
        asm volatile("" ::: "memory");
    } while ((version & 1) || version != t.version);
    return ns;
}

/// HVMOP_get_time, or 0 if it failed.
inline uint64_t get_time() {
    xen_hvm_get_time_t t{};
    return HYPERVISOR_hvm_op(HVMOP_get_time, &t) == 0 ? t.now : 0;
}

/// Busy-wait `ns` of Xen system time.
inline void spin_ns(uint64_t ns) {
    const uint64_t end = get_time() + ns;
    while (get_time() < end) asm volatile("pause");
}

} // namespace cxen::guest::xen_time
