// The control domain's foreign-mapping ops from inside a PVH domU (Xen
// 4.17's XENMEM_add_to_physmap_batch with XENMAPSPACE_gmfn_foreign,
// XENMEM_remove_from_physmap and XENMEM_acquire_resource, xen/common/
// memory.c and p2m_add_foreign() in xen/arch/x86/mm/p2m.c): a domU gets
// Xen's errors, whole-call or per entry, and nothing is mapped. Linked into
// the memory kernel, whose `memory.peer=N` names another running domain.
#include "guest.hpp"

using namespace cxen::guest;

namespace {
domid_t peer_or_skip() {
    const char* peer = option("memory.peer");
    return peer ? static_cast<domid_t>(peer[0] - '0') : DOMID_INVALID;
}

constexpr xen_pfn_t hole_gfn = 0x80000; // 2 GiB: beyond the test domain's RAM

xen_ulong_t idxs[2];
xen_pfn_t gpfns[2];
int errs[2];

long batch(domid_t domid, uint16_t space, domid_t foreign, uint16_t size) {
    xen_add_to_physmap_batch b{};
    b.domid = domid;
    b.space = space;
    b.size = size;
    b.u.foreign_domid = foreign;
    set_xen_guest_handle(b.idxs, idxs);
    set_xen_guest_handle(b.gpfns, gpfns);
    set_xen_guest_handle(b.errs, errs);
    errs[0] = errs[1] = 0x5a5a;
    return HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, &b);
}
} // namespace

TEST_CASE("control.foreign_map_refused_per_entry") {
    SKIP_UNLESS_XEN();
    const domid_t peer = peer_or_skip();
    if (peer == DOMID_INVALID) SKIP("no memory.peer=N on the command line");
    // Into itself the call passes the hooks; p2m_add_foreign() refuses each
    // entry: only the hardware domain may hold foreign entries.
    idxs[0] = 0;
    idxs[1] = 1;
    gpfns[0] = hole_gfn;
    gpfns[1] = hole_gfn + 1;
    CHECK_OK(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, peer, 2));
    CHECK_ERRNO(errs[0], EPERM);
    CHECK_ERRNO(errs[1], EPERM);
    CHECK_OK(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0x7000, 1)); // absent: still the privilege first
    CHECK_ERRNO(errs[0], EPERM);
    // Nothing was mapped there: the gfn is still a hole.
    xen_remove_from_physmap r{DOMID_SELF, hole_gfn};
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r), ENOENT);
}

TEST_CASE("control.foreign_map_whole_call_errors") {
    SKIP_UNLESS_XEN();
    const domid_t peer = peer_or_skip();
    if (peer == DOMID_INVALID) SKIP("no memory.peer=N on the command line");
    idxs[0] = 0;
    gpfns[0] = hole_gfn;
    CHECK_ERRNO(batch(peer, XENMAPSPACE_gmfn_foreign, peer, 1), EPERM);  // xsm_add_to_physmap on the peer
    CHECK_ERRNO(batch(0x7000, XENMAPSPACE_gmfn_foreign, peer, 1), ESRCH);
    CHECK_ERRNO(batch(DOMID_SELF, XENMAPSPACE_gmfn_range, peer, 1), EOPNOTSUPP);
    CHECK_ERRNO(batch(DOMID_SELF, XENMAPSPACE_dev_mmio, 0, 1), EACCES); // the hardware domain's
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch | (0x10000u << 6), unmapped_pointer()), EDOM);
    gpfns[0] = ~xen_pfn_t{0};
    CHECK_ERRNO(batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, peer, 1), EINVAL); // INVALID_GFN
    CHECK_EQ(errs[0], 0x5a5a);
    // The single add_to_physmap has no foreign space.
    xen_add_to_physmap x{};
    x.domid = DOMID_SELF;
    x.space = XENMAPSPACE_gmfn_foreign;
    x.gpfn = hole_gfn;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x), ENOSYS);
}

TEST_CASE("control.remove_from_physmap_of_another_domain_refused") {
    SKIP_UNLESS_XEN();
    const domid_t peer = peer_or_skip();
    if (peer == DOMID_INVALID) SKIP("no memory.peer=N on the command line");
    xen_remove_from_physmap r{peer, 0x100};
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r), EPERM);
    r.domid = 0x7000;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r), ESRCH);
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_remove_from_physmap | (1u << 6), &r), EINVAL);
}

TEST_CASE("control.acquire_resource_refused") {
    SKIP_UNLESS_XEN();
    const domid_t peer = peer_or_skip();
    if (peer == DOMID_INVALID) SKIP("no memory.peer=N on the command line");
    // arch_acquire_resource_check() comes first: -EACCES whatever the rest.
    xen_mem_acquire_resource a{};
    a.domid = peer;
    a.type = XENMEM_resource_grant_table;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_acquire_resource, &a), EACCES); // the size query
    gpfns[0] = hole_gfn;
    a.nr_frames = 1;
    set_xen_guest_handle(a.frame_list, gpfns);
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_acquire_resource, &a), EACCES);
    a.pad = 1;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_acquire_resource, &a), EACCES);
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_acquire_resource, unmapped_pointer()), EACCES);
}
