// Read-only access to physical memory for the boot-time parsers of firmware
// and bootloader data (multiboot, ACPI). The parsers see memory only through
// this interface, so that the hypervisor can hand them its direct map (or
// early mappings) and host tests can hand them a byte buffer.
#pragma once

#include <type_traits>

#include "lib/base/types.hpp"

namespace cxen {

/// Source of physical memory bytes. Everything read through it is untrusted.
struct PhysReader {
    /// Copy `len` bytes at physical address `pa` into `dst`. Returns false,
    /// having copied nothing useful, if any byte of [pa, pa + len) is not
    /// readable (not RAM/ROM, not mapped, or past the end of what the source
    /// covers). Callers never pass a range that wraps past 2^64 (phys_read()
    /// checks), so implementations need not.
    virtual bool read(paddr_t pa, void* dst, size_t len) const = 0;

  protected:
    ~PhysReader() = default;
};

/// PhysReader::read() with the wrap check: false if [pa, pa + len) wraps past
/// 2^64 (a garbage address near the top plus a garbage length), true for len 0.
[[nodiscard]] inline bool phys_read(const PhysReader& r, paddr_t pa, void* dst, size_t len) {
    if (len == 0) return true;
    if (pa + (len - 1) < pa) return false;
    return r.read(pa, dst, len);
}

/// Read one object of a trivially copyable (usually packed layout) type.
template <typename T> [[nodiscard]] bool phys_read(const PhysReader& r, paddr_t pa, T& out) {
    static_assert(std::is_trivially_copyable_v<T>);
    return phys_read(r, pa, &out, sizeof(T));
}

} // namespace cxen
