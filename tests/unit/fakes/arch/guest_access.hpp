// Host fake of the checked guest-memory path (same interface as the
// hypervisor's): guest-virtual and guest-physical addresses index one
// byte array, fake_guest_memory(); anything outside it is -EFAULT.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/lib/result.hpp"

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
/// for areas the hypervisor keeps updating (a registered vcpu_info). Only
/// the domain's own read-write RAM qualifies. Errors: -EINVAL otherwise.
[[nodiscard]] Result<void*> map_guest_ram_frame(Domain& d, uint64_t gfn);

template <typename T> [[nodiscard]] Status copy_from_guest(Vcpu& v, uint64_t gva, T& out) {
    return copy_from_guest(v, gva, &out, sizeof(T));
}
template <typename T> [[nodiscard]] Status copy_to_guest(Vcpu& v, uint64_t gva, const T& in) {
    return copy_to_guest(v, gva, &in, sizeof(T));
}

} // namespace cxen::arch

#include <vector>
namespace cxen::arch {
/// The fake guest's memory; tests size and fill it.
std::vector<uint8_t>& fake_guest_memory();
} // namespace cxen::arch
