// A domain's claim on host memory (XENMEM_claim_pages), as Xen 4.17's
// domain_set_outstanding_pages() and domain_adjust_tot_pages()
// (xen/common/page_alloc.c). The toolstack claims the pages of a domain it
// is about to build, so that building cannot fail half-way for want of
// memory another domain took meanwhile; the claim shrinks as the domain's
// RAM is populated and is cancelled by the toolstack when the build is done
// (claim 0) or by domain_kill().
//
// The counts live in the page allocator, under its lock (page_alloc.hpp):
// Domain::outstanding_pages is the domain's claim, the allocator's total
// the host's. A domain's page count is its p2m's RAM pages (Xen's
// domain_tot_pages()).
//
// Locking: takes the page allocator's lock (a leaf); callers may hold the
// domain's p2m_lock.
#pragma once

#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen {

struct Domain;

/// Xen's domain_set_outstanding_pages(d, pages): claim `pages` pages in
/// all for d (what it has counts towards them), or cancel its claim
/// (pages == 0). Errors: -EINVAL d has a claim already, pages is not above
/// what d has or is above its max_pages; -ENOMEM the host's unclaimed free
/// pages cannot cover it.
[[nodiscard]] Status domain_set_outstanding_pages(Domain& d, uint64_t pages);

/// d's RAM grew (pages > 0) or shrank (pages < 0) by `pages`: its claim, if
/// it has one, is drawn down (or, on a shrink, grows) by as much (the claim
/// part of Xen's domain_adjust_tot_pages()).
void domain_adjust_claim(Domain& d, int64_t pages);

} // namespace cxen
