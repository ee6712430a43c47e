// References on frames a domain's guest frames map: held by grant mappings
// and grant copies, by the hypervisor while it reads or writes a guest frame
// (guest copies, and registered areas such as vcpu_info, runstate and FIFO
// control blocks and event arrays, see common/mm/p2m.hpp), and by each p2m
// entry of a hypervisor frame (shared_info, grant frames). A RAM frame a
// domain gives back (XENMEM_decrease_reservation, a page displaced by a
// grant mapping, domain destruction) while referenced is freed only at the
// last put. This is the part of Xen's page reference count (count_info of
// struct page_info, get_page()/put_page()) that cxen needs.
//
// The count lives in PageInfo::count_info of the frame table:
//   bits 0-30  references taken by page_ref_get() and not yet put
//   bit 31     "released": the owner freed the frame while it was referenced;
//              the put that drops the count to zero frees it.
// A frame is never freed while bits 0-30 are non-zero.
//
// Locking: lock-free (atomic operations on count_info). A reference is only
// meaningful if the caller checked, after taking it, that the frame still
// belongs where it found it (the owner's p2m still maps it): an owner may
// free the frame between the caller's p2m lookup and page_ref_get(); then
// the re-check fails and page_ref_put() undoes the reference without freeing
// (the owner did, and nothing was marked released). Both sides use
// sequentially consistent operations so that one of them sees the other.
#pragma once

#include <cstdint>

#include "lib/base/types.hpp"

namespace cxen {

/// Largest number of references one frame may carry.
constexpr uint32_t page_ref_max = (1u << 30) - 1;

/// Take a reference on RAM frame `mfn`. False if the count would overflow.
[[nodiscard]] bool page_ref_get(Mfn mfn);
/// Drop a reference; if it was the last and the owner released the frame,
/// the frame goes back to the page allocator now.
void page_ref_put(Mfn mfn);
/// For the code that frees domain RAM (free_domain_ram): true if `mfn` is
/// referenced, in which case it is marked released and the caller must not
/// free it (the last page_ref_put() will). The frame must be allocated as
/// an order-0 block by then (free_domain_ram splits first).
[[nodiscard]] bool page_ref_defer_free(Mfn mfn);
/// True if any of the 2^order frames at `mfn` is referenced.
bool page_ref_any(Mfn mfn, unsigned order);
/// References currently held on `mfn` (tests, debug keys).
uint32_t page_ref_count(Mfn mfn);

} // namespace cxen
