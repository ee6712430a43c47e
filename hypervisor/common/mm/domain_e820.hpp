// A domain's memory map: what XENMEM_memory_map returns to the guest, as
// Xen's d->arch.e820 / nr_e820 (xen/arch/x86/mm.c). The boot-time builder
// sets it from the PVH layout; the control domain replaces it with
// XENMEM_set_memory_map when it builds a domain (libxl's
// libxl__arch_domain_construct_memmap()).
//
// Locking: `lock_` (a leaf but for the guest copies memory_map() makes
// under it, which take the reader's p2m_lock) protects the map and its
// count; a new map is built outside it and swapped in.
#pragma once

#include <cstdint>

#include "common/lib/spinlock.hpp"
#include "lib/base/result.hpp"

namespace cxen {

struct Vcpu;

/// struct e820entry as XENMEM_memory_map / XENMEM_set_memory_map carry it
/// (xen/arch/x86/include/asm/e820.h): 20 bytes, packed; `type` as
/// XEN_HVM_MEMMAP_TYPE_* / the BIOS's E820 types.
struct E820Entry {
    uint64_t addr; // 0
    uint64_t size; // 8
    uint32_t type; // 16
} __attribute__((packed));
static_assert(sizeof(E820Entry) == 20);

/// Xen's E820MAX: the most entries XENMEM_set_memory_map accepts.
constexpr unsigned e820_max_entries = 1024;

class DomainE820 {
  public:
    DomainE820() = default;
    DomainE820(const DomainE820&) = delete;
    DomainE820& operator=(const DomainE820&) = delete;
    ~DomainE820();

    /// Replace the map with `n` entries copied from `map` (in hypervisor
    /// memory). Errors: -EINVAL n > e820_max_entries, -ENOMEM.
    [[nodiscard]] Status set(const E820Entry* map, unsigned n);
    /// XENMEM_set_memory_map's body: replace the map with `n` entries read
    /// from `cur`'s guest memory at `buffer` (the toolstack's array).
    /// Errors: -EINVAL n > e820_max_entries, -ENOMEM, -EFAULT a read failed
    /// (the old map stays).
    [[nodiscard]] Status set_from_guest(Vcpu& cur, uint64_t buffer, unsigned n);
    /// XENMEM_memory_map's body: copy min(*n, entries) entries to `cur`'s
    /// guest memory at `buffer`, *n becomes that count. Errors: -ENOSYS no
    /// map was ever set (Xen's "backwards compatibility"), -EFAULT.
    [[nodiscard]] Status copy_to(Vcpu& cur, uint64_t buffer, unsigned& n);
    /// Entries now (tests, diagnostics).
    unsigned size() const;
    /// Entry i (ASSERTs i < size()); for tests and the builder's checks.
    E820Entry entry(unsigned i) const;

  private:
    void replace(E820Entry* map, unsigned n); // takes over `map` (xmalloc'd)

    mutable SpinLock lock_;
    E820Entry* map_ = nullptr;
    unsigned nr_ = 0;
};

} // namespace cxen
