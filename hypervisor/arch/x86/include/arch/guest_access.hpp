// The one checked path between guest memory and the hypervisor. Every guest
// pointer goes through these: guest-virtual addresses are translated through
// the vCPU's own page tables (as Xen's hvm_copy_*_guest_linear), guest-
// physical ones through the p2m; only the domain's RAM is reachable. A bad
// address gives -EFAULT, never a hypervisor fault.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen {
struct Vcpu;
struct Domain;
} // namespace cxen

namespace cxen::arch {

/// Copy from / to guest-virtual address gva of v. Writes need a writable
/// mapping in the guest's tables and read-write RAM in the p2m. -EFAULT.
[[nodiscard]] Status copy_from_guest(Vcpu& v, uint64_t gva, void* dst, size_t len);
[[nodiscard]] Status copy_to_guest(Vcpu& v, uint64_t gva, const void* src, size_t len);
/// Same for guest-physical addresses of d.
[[nodiscard]] Status copy_from_gpa(Domain& d, uint64_t gpa, void* dst, size_t len);
[[nodiscard]] Status copy_to_gpa(Domain& d, uint64_t gpa, const void* src, size_t len);

/// Hypervisor pointer (direct map) to the start of guest frame `gfn` of d,
/// for areas the hypervisor keeps updating (a registered vcpu_info, FIFO
/// control blocks and event arrays). Only the domain's own read-write RAM
/// qualifies. The frame is held with a page reference until
/// unmap_guest_ram_frame(): the guest may remove or displace the gfn, the
/// frame stays allocated (Xen's get_page_from_gfn() in map_vcpu_info()).
/// Errors: -EINVAL otherwise.
[[nodiscard]] Result<void*> map_guest_ram_frame(Domain& d, uint64_t gfn);
/// Drop the reference map_guest_ram_frame() took; `page` is any address in
/// the frame (nullptr: nothing).
void unmap_guest_ram_frame(const void* page);

template <typename T> [[nodiscard]] Status copy_from_guest(Vcpu& v, uint64_t gva, T& out) {
    return copy_from_guest(v, gva, &out, sizeof(T));
}
template <typename T> [[nodiscard]] Status copy_to_guest(Vcpu& v, uint64_t gva, const T& in) {
    return copy_to_guest(v, gva, &in, sizeof(T));
}

} // namespace cxen::arch
