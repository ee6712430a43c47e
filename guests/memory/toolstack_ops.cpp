// The control domain's memory calls (the ones libxenguest and libxl make on
// a domain they build) made by a domU: Xen's errors, on another domain and
// on itself (xen/common/memory.c, xen/arch/x86/mm.c, XSM dummy policy), and
// the memory map the control domain sets for this domain, read back with
// XENMEM_memory_map (tests/system/cases/dom0_mem.py, whose probe in dom0
// sets it; tests/dom0/mem_probe.cpp).
//
// Command line: `memory.peer=N` names another running domain;
// `memory.wait_map_s=N` how long to wait for dom0's map (default 300 s).
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 // XENMEM_claim_pages and XENMEMF_* are the tools' part of memory.h
#endif
#include "guest.hpp"
#include "smp.hpp"

#include <xen/memory.h>

using namespace cxen::guest;

namespace {

struct E820 { // struct e820entry: 20 bytes, packed
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));
static_assert(sizeof(E820) == 20);

constexpr uint64_t marker_addr = 0xc0ffee000; // the entry dom0's probe puts in this domain's map

long reservation_op(unsigned cmd, domid_t domid, xen_pfn_t* list, unsigned long nr, unsigned order,
                    unsigned flags = 0) {
    xen_memory_reservation r{};
    set_xen_guest_handle(r.extent_start, list);
    r.nr_extents = nr;
    r.extent_order = order;
    r.mem_flags = flags;
    r.domid = domid;
    return HYPERVISOR_memory_op(cmd, &r);
}

unsigned number_option(const char* name, unsigned dflt) {
    unsigned v = 0;
    for (const char* c = option(name); c && *c >= '0' && *c <= '9'; ++c) v = v * 10 + unsigned(*c - '0');
    return v ? v : dflt;
}

E820 map[16];
bool map_has_marker() {
    xen_memory_map m{};
    m.nr_entries = 16;
    set_xen_guest_handle(m.buffer, map);
    if (HYPERVISOR_memory_op(XENMEM_memory_map, &m) != 0) return false;
    for (unsigned i = 0; i < m.nr_entries; ++i)
        if (map[i].addr == marker_addr) return true;
    return false;
}

constexpr xen_pfn_t spare_gfn = 0x40000; // 1 GiB: outside this domain's RAM
} // namespace

TEST_CASE("memory.toolstack_ops_on_another_domain_refused") {
    SKIP_UNLESS_XEN();
    const char* peer = option("memory.peer");
    if (!peer) SKIP("no memory.peer=N on the command line");
    const domid_t other = static_cast<domid_t>(peer[0] - '0');
    xen_pfn_t list[1] = {spare_gfn};
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, other, list, 1, 0), 0);   // XSM_TARGET: nothing done
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation, other, list, 1, 0), 0);
    xen_memory_reservation claim{};
    claim.nr_extents = 1000;
    claim.domid = other;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_claim_pages, &claim), EPERM); // XSM_PRIV
    domid_t d = other;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &d), EPERM);
    E820 one{0, 0x1000, 1};
    xen_foreign_memory_map fmap{};
    fmap.domid = other;
    fmap.map.nr_entries = 1;
    set_xen_guest_handle(fmap.map.buffer, &one);
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_set_memory_map, &fmap), EPERM); // XSM_TARGET
    xen_pod_target pod{};
    pod.domid = other;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_get_pod_target, &pod), EPERM);
    fmap.domid = 0x7000; // no such domain: the lookup comes first
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_set_memory_map, &fmap), ESRCH);
}

TEST_CASE("memory.toolstack_ops_on_itself") {
    SKIP_UNLESS_XEN();
    xen_memory_reservation claim{};
    claim.nr_extents = 1000;
    claim.domid = DOMID_SELF;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_claim_pages, &claim), EINVAL); // by id only: DOMID_SELF names none
    xen_pod_target pod{};
    pod.domid = DOMID_SELF;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_get_pod_target, &pod), EPERM); // XSM_PRIV, even on itself
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_set_pod_target, &pod), EPERM);
    xen_pfn_t list[1] = {spare_gfn};
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, DOMID_SELF, list, 1, 10), 0); // a domU's max order is 9
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, DOMID_SELF, list, 1, 0, XENMEMF_exact_node(0)), 0);
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_machphys_mapping, nullptr), ENOSYS); // not for HVM callers
    domid_t self = DOMID_SELF;
    CHECK_GT(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self), 0);
}

TEST_CASE("memory.memory_map_set_by_dom0") {
    SKIP_UNLESS_XEN();
    const unsigned wait_s = number_option("memory.wait_map_s", 300);
    REQUIRE(halt_until([] { return map_has_marker(); }, wait_s * 1000));
    xen_memory_map m{};
    m.nr_entries = 16;
    set_xen_guest_handle(m.buffer, map);
    REQUIRE_EQ(HYPERVISOR_memory_op(XENMEM_memory_map, &m), 0);
    CHECK_EQ(m.nr_entries, 3u);
    CHECK_EQ(map[0].addr, 0u);
    CHECK_EQ(map[0].size, 0x2000000u);
    CHECK_EQ(map[1].type, 3u);
    CHECK_EQ(map[2].size, 0x1000u);
}
