// The hypervisor's virtual address layout (x86-64, 4-level paging) and the
// conversions between machine addresses and hypervisor pointers.
#pragma once

#include <cstdint>

#include "lib/base/types.hpp"

namespace cxen::arch {

/// The image is linked here (top 2 GiB, -mcmodel=kernel): VA = KERNEL_VMA + PA.
constexpr uint64_t kernel_vma = 0xffffffff80000000ull;
/// All RAM (and the first 4 GiB, MMIO holes included) is mapped here, as in
/// Xen's DIRECTMAP_VIRT_START.
constexpr uint64_t directmap_base = 0xffff830000000000ull;
/// ioremap() window: uncached 4 KiB mappings of device registers.
constexpr uint64_t ioremap_base = 0xffff820000000000ull;
constexpr uint64_t ioremap_size = GiB(1);

/// Where the AP start-up trampoline runs (below 1 MiB, page aligned; the
/// SIPI vector is its page number). Same value as TRAMPOLINE_PHYS in
/// boot/boot_defs.h, which the assembly uses.
constexpr paddr_t trampoline_phys = 0x8000;

/// Machine address -> pointer through the direct map.
inline void* maddr_to_virt(paddr_t pa) { return reinterpret_cast<void*>(directmap_base + pa); }
template <typename T> inline T* maddr_to_ptr(paddr_t pa) { return static_cast<T*>(maddr_to_virt(pa)); }
/// Pointer (direct map or image) -> machine address.
inline paddr_t virt_to_maddr(const void* p) {
    auto va = reinterpret_cast<uint64_t>(p);
    return va >= kernel_vma ? va - kernel_vma : va - directmap_base;
}
inline void* mfn_to_virt(Mfn m) { return maddr_to_virt(mfn_to_paddr(m)); }
inline Mfn virt_to_mfn(const void* p) { return paddr_to_mfn(virt_to_maddr(p)); }

} // namespace cxen::arch
