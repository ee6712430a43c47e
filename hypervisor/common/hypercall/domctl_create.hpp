// The domctls that create a domain and set it up before it first runs
// (issue #13, /work/shared/docs/dom0-toolstack-abi.md §4.2 steps 3, 5b, 5f):
// each is called from domctl.cpp's domctl_op() under the domctl lock, past
// xsm_domctl (XSM_PRIV: the control domain only), on the plain struct.
#pragma once

#include "abi/xen/domctl.hpp"
#include "common/domain.hpp"

namespace cxen {

/// XEN_DOMCTL_createdomain (Xen 4.17's do_domctl() and domain_create()):
/// op.domain 1..DOMID_FIRST_RESERVED-1 is that ID (-EEXIST if listed, a
/// dying zombie included); 0 or a reserved ID picks the next free one after
/// a rover, wrapping to 1 (-ENOMEM if none is free). The config is checked
/// by check_domain_config() (its errors), then the domain is made: no
/// vCPUs, no RAM, its event-channel and grant tables (v1), paused by the
/// controller (count 1), not privileged, nameless. On success op.domain is
/// its ID (the caller copies op back). -ENOMEM also when the domain table
/// (max_domains) is full.
[[nodiscard]] long createdomain(xen_domctl& op);
/// Set the rover (host tests start from a known point).
void createdomain_set_rover(Domid rover);

/// XEN_DOMCTL_setnodeaffinity: the map (xenctl_bitmap, MAX_NUMNODES bits)
/// is recorded; all nodes means automatic. -EFAULT, -EINVAL no online node
/// (node 0) in it.
[[nodiscard]] long setnodeaffinity(Vcpu& caller, Domain& d, const xen_domctl_nodeaffinity& na);
/// XEN_DOMCTL_settscinfo (Xen's tsc_set_info()): -EINVAL on the caller's
/// own domain or an unknown tsc_mode; recorded (cxen runs every guest on
/// the host's TSC, see docs/control-domain.md).
[[nodiscard]] long settscinfo(Domain& cur, Domain& d, const xen_domctl_tsc_info& info);
/// XEN_DOMCTL_gettscinfo (Xen's tsc_get_info()): -EINVAL on the caller's
/// own domain. Fills `info` (copied back).
[[nodiscard]] long gettscinfo(Domain& cur, Domain& d, xen_domctl_tsc_info& info);
/// XEN_DOMCTL_settimeoffset: d's wallclock is the host's plus these
/// seconds from now on. Always 0.
[[nodiscard]] long settimeoffset(Domain& d, int64_t seconds);
/// XEN_DOMCTL_set_paging_mempool_size: the size in bytes of d's p2m table
/// pool (common/mm/p2m.hpp); -EINVAL not a multiple of the page size. The
/// pool never drops below the tables d holds.
[[nodiscard]] long set_paging_mempool_size(Domain& d, uint64_t size);
/// XEN_DOMCTL_get_paging_mempool_size: the pool's size in bytes.
[[nodiscard]] long get_paging_mempool_size(Domain& d, uint64_t& size);

} // namespace cxen
