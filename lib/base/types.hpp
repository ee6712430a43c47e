// Basic types shared by all common code: frame numbers and addresses get
// distinct types so that one cannot be passed where another is meant.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cxen {

using paddr_t = uint64_t; ///< machine (host-physical) address
using vaddr_t = uint64_t; ///< hypervisor virtual address

constexpr unsigned page_shift = 12;
constexpr uint64_t page_size = uint64_t{1} << page_shift;
constexpr uint64_t page_mask = ~(page_size - 1);

/// Machine frame number (host-physical page).
enum class Mfn : uint64_t {};
/// Guest frame number (guest-physical page, index into a domain's p2m).
enum class Gfn : uint64_t {};

constexpr uint64_t raw(Mfn m) { return static_cast<uint64_t>(m); }
constexpr uint64_t raw(Gfn g) { return static_cast<uint64_t>(g); }
constexpr paddr_t mfn_to_paddr(Mfn m) { return raw(m) << page_shift; }
constexpr Mfn paddr_to_mfn(paddr_t pa) { return Mfn{pa >> page_shift}; }
constexpr Mfn operator+(Mfn m, uint64_t n) { return Mfn{raw(m) + n}; }
constexpr Gfn operator+(Gfn g, uint64_t n) { return Gfn{raw(g) + n}; }

constexpr uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
constexpr uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

constexpr uint64_t KiB(uint64_t n) { return n << 10; }
constexpr uint64_t MiB(uint64_t n) { return n << 20; }
constexpr uint64_t GiB(uint64_t n) { return n << 30; }

template <typename T, size_t N> constexpr size_t array_size(T (&)[N]) { return N; }

} // namespace cxen
