// Grant tables: the API the rest of the hypervisor uses (GNTTABOP_* sit on
// top of it). Source: Xen public/grant_table.h.
#pragma once

#include <cstdint>

#include "common/domain.hpp"
#include "common/lib/result.hpp"
#include "common/lib/types.hpp"

namespace cxen {

/// Per-domain grant-table state, created with the domain (version 1, one
/// frame to start with, as Xen). Errors: -ENOMEM.
[[nodiscard]] Status gnttab_domain_init(Domain& d);
void gnttab_domain_destroy(Domain& d);

/// The machine frame backing grant-table frame `idx` (a status frame when
/// `status`, v2 only), growing the table up to d.max_grant_frames: what
/// XENMEM_add_to_physmap with XENMAPSPACE_grant_table maps into the guest.
/// Errors: -EINVAL idx at or beyond the limit (or status frame under v1),
///         -ENOMEM.
[[nodiscard]] Result<Mfn> gnttab_get_frame(Domain& d, uint64_t idx, bool status);

} // namespace cxen
