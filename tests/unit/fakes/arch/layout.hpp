// Host fake of the hypervisor's address conversions (arch/layout.hpp): host
// pointers are their own "machine addresses", so a page-aligned host
// allocation (fake alloc_xenheap_pages) has mfn = address >> 12.
#pragma once

#include <cstdint>

#include "lib/base/types.hpp"

namespace cxen::arch {
inline void* maddr_to_virt(paddr_t pa) { return reinterpret_cast<void*>(pa); }
template <typename T> inline T* maddr_to_ptr(paddr_t pa) { return static_cast<T*>(maddr_to_virt(pa)); }
inline paddr_t virt_to_maddr(const void* p) { return reinterpret_cast<paddr_t>(p); }
inline void* mfn_to_virt(Mfn m) { return maddr_to_virt(mfn_to_paddr(m)); }
inline Mfn virt_to_mfn(const void* p) { return paddr_to_mfn(virt_to_maddr(p)); }
} // namespace cxen::arch
