// The small domctls libxl makes on a domain it is building (see
// domctl_create.hpp): node affinity, TSC, time offset, paging pool.
//
// Locking: called under the domctl lock, which serialises them with one
// another and with destroydomain; the p2m pool's limit is changed under
// the domain's p2m_lock (the writer's lock, common/mm/p2m.hpp).
#include "arch/guest_access.hpp"
#include "arch/time.hpp"
#include "common/hypercall/domctl_create.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/time/wallclock.hpp"
#include "lib/base/types.hpp"

namespace cxen {

namespace {
constexpr unsigned max_numnodes = 64; // Xen's MAX_NUMNODES (x86 default, NODES_SHIFT 6)
// TSC_MODE_* (xen/arch/x86/include/asm/time.h; not in the public headers).
constexpr uint32_t tsc_mode_default = 0, tsc_mode_always_emulate = 1, tsc_mode_never_emulate = 2;
} // namespace

long setnodeaffinity(Vcpu& caller, Domain& d, const xen_domctl_nodeaffinity& na) {
    // Xen's xenctl_bitmap_to_nodemask(): min(guest, MAX_NUMNODES) bits;
    // those past nr_bits in the last byte are cleared.
    const uint64_t guest_bytes = (uint64_t{na.nodemap.nr_bits} + 7) / 8;
    const uint64_t copy_bytes = guest_bytes < max_numnodes / 8 ? guest_bytes : max_numnodes / 8;
    uint8_t bytes[max_numnodes / 8] = {};
    if (copy_bytes) {
        if (!arch::copy_from_guest(caller, reinterpret_cast<uintptr_t>(na.nodemap.bitmap.p), bytes,
                                   copy_bytes))
            return err(Errno::XEN_EFAULT);
        if ((na.nodemap.nr_bits & 7) && guest_bytes == copy_bytes)
            bytes[guest_bytes - 1] &= static_cast<uint8_t>(~(0xffu << (na.nodemap.nr_bits & 7)));
    }
    uint64_t map = 0;
    for (unsigned i = 0; i < sizeof(bytes); ++i)
        map |= uint64_t{bytes[i]} << (8 * i);
    // domain_set_node_affinity(): disjoint from the online nodes (node 0) is wrong.
    if (!(map & 1)) return err(Errno::XEN_EINVAL);
    d.auto_node_affinity = map == ~0ull; // all nodes: "reset to automatic"
    if (!d.auto_node_affinity) d.node_affinity = map;
    return 0;
}

long settscinfo(Domain& cur, Domain& d, const xen_domctl_tsc_info& info) {
    if (&d == &cur) return err(Errno::XEN_EINVAL); // Xen: no domain_pause() of itself
    // Xen's tsc_set_info(), as it decides for an HVM domain on a host whose
    // TSC is safe and which cannot scale it (cxen uses no TSC scaling).
    const uint32_t host_khz = static_cast<uint32_t>(arch::tsc_khz());
    switch (info.tsc_mode) {
    case tsc_mode_default:
    case tsc_mode_always_emulate:
        d.tsc.vtsc_offset_ns = arch::now_ns() - info.elapsed_nsec;
        d.tsc.khz = info.gtsc_khz ? info.gtsc_khz : host_khz;
        d.tsc.vtsc = !(info.tsc_mode == tsc_mode_default && d.tsc.khz == host_khz);
        break;
    case tsc_mode_never_emulate:
        d.tsc.vtsc = false; // the offset and rate stay as they were (Xen's case label skips them)
        break;
    default:
        return err(Errno::XEN_EINVAL);
    }
    d.tsc.mode = info.tsc_mode;
    d.tsc.incarnation = info.incarnation + 1;
    return 0;
}

long gettscinfo(Domain& cur, Domain& d, xen_domctl_tsc_info& info) {
    if (&d == &cur) return err(Errno::XEN_EINVAL);
    info.incarnation = d.tsc.incarnation;
    info.tsc_mode = d.tsc.mode;
    uint64_t tsc = 0, now = 0;
    arch::time_sample(tsc, now);
    if (d.tsc.mode == tsc_mode_never_emulate) {
        info.elapsed_nsec = 0;
        info.gtsc_khz = 0;
    } else if (d.tsc.vtsc) {
        info.elapsed_nsec = now - d.tsc.vtsc_offset_ns;
        info.gtsc_khz = d.tsc.khz;
    } else { // the host's TSC as the guest reads it
        // Xen's scale_delta(rdtsc(), &d->arch.vtsc_to_ns): ticks at the
        // domain's rate (the host's here) in ns.
        const uint64_t khz = arch::tsc_khz();
        info.elapsed_nsec =
            khz ? tsc / khz * 1'000'000 + tsc % khz * 1'000'000 / khz : 0; // no 128-bit division
        info.gtsc_khz = static_cast<uint32_t>(khz);
    }
    if (static_cast<int64_t>(info.elapsed_nsec) < 0) info.elapsed_nsec = 0;
    return 0;
}

long settimeoffset(Domain& d, int64_t seconds) {
    d.time_offset_seconds = seconds;
    domain_wallclock_refresh(d);
    return 0;
}

long set_paging_mempool_size(Domain& d, uint64_t size) {
    if (size & (page_size - 1)) return err(Errno::XEN_EINVAL); // Xen's "non page-sized request"
    WriteGuard g(d.p2m_lock);
    const uint64_t pages = size >> page_shift;
    // Xen's hap_set_allocation(): the pool holds the tables in use at least.
    d.p2m.set_table_limit(pages > d.p2m.tables() ? pages : d.p2m.tables());
    return 0;
}

long get_paging_mempool_size(Domain& d, uint64_t& size) {
    ReadGuard g(d.p2m_lock);
    size = d.p2m.table_limit() << page_shift;
    return 0;
}

} // namespace cxen
