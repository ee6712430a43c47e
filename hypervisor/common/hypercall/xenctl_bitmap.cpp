// xenctl_bitmap <-> CpuMask (see xenctl_bitmap.hpp).
#include "common/hypercall/xenctl_bitmap.hpp"

#include "arch/guest_access.hpp"
#include "common/host_info.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {
constexpr unsigned host_map_bytes = (CpuMask::nr_bits + 7) / 8;
unsigned host_bytes() {
    return (host_nr_cpu_ids() + 7) / 8;
}
uint64_t handle_gva(const xenctl_bitmap& map) {
    return reinterpret_cast<uintptr_t>(map.bitmap.p);
}
} // namespace

Status cpumask_to_xenctl_bitmap(Vcpu& v, const xenctl_bitmap& map, const CpuMask& mask) {
    const uint64_t guest_bytes = (uint64_t{map.nr_bits} + 7) / 8;
    const unsigned xen_bytes = host_bytes();
    const uint64_t copy_bytes = guest_bytes < xen_bytes ? guest_bytes : xen_bytes;
    uint8_t bytes[host_map_bytes] = {};
    for (unsigned c = 0; c < xen_bytes * 8 && c < host_nr_cpu_ids(); ++c)
        if (mask.test(c)) bytes[c / 8] |= static_cast<uint8_t>(1u << (c % 8));
    const uint64_t gva = handle_gva(map);
    if (copy_bytes && !arch::copy_to_guest(v, gva, bytes, copy_bytes))
        return Err(Errno::XEN_EFAULT);
    // The rest of the caller's map is zeroed, as Xen does byte by byte; in
    // chunks here. Only the control domain gets here, with at most 512 MiB.
    static constexpr uint8_t zeros[256] = {};
    for (uint64_t off = copy_bytes; off < guest_bytes; off += sizeof(zeros)) {
        const uint64_t n = guest_bytes - off < sizeof(zeros) ? guest_bytes - off : sizeof(zeros);
        if (!arch::copy_to_guest(v, gva + off, zeros, n)) return Err(Errno::XEN_EFAULT);
    }
    return ok_status();
}

Status xenctl_bitmap_to_cpumask(Vcpu& v, const xenctl_bitmap& map, CpuMask& mask) {
    const uint64_t guest_bytes = (uint64_t{map.nr_bits} + 7) / 8;
    const unsigned xen_bytes = host_bytes();
    const uint64_t copy_bytes = guest_bytes < xen_bytes ? guest_bytes : xen_bytes;
    uint8_t bytes[host_map_bytes] = {};
    if (copy_bytes) {
        if (!arch::copy_from_guest(v, handle_gva(map), bytes, copy_bytes))
            return Err(Errno::XEN_EFAULT);
        if ((map.nr_bits & 7) && guest_bytes == copy_bytes) // bits past nr_bits in the last byte
            bytes[guest_bytes - 1] &= static_cast<uint8_t>(~(0xffu << (map.nr_bits & 7)));
    }
    mask = CpuMask{};
    for (unsigned c = 0; c < host_nr_cpu_ids(); ++c)
        if (bytes[c / 8] & (1u << (c % 8))) mask.set(c);
    return ok_status();
}

} // namespace cxen
