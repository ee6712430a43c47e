// memory_op from inside a PVH domU: the memory map, add_to_physmap
// (shared_info, bad spaces/indices/domains), reservation queries, and
// populate_physmap / decrease_reservation with Xen's "number of extents
// done" results. Source: Xen public/memory.h, xen/common/memory.c.
//
// Command line: `memory.peer=N` names another running domain, for the -EPERM cases.
#include "guest.hpp"
#include "../time/xen_time.hpp"

using namespace cxen::guest;

namespace {

constexpr domid_t domid_io = DOMID_IO; // a reserved id no domain has: -ESRCH

struct E820 { // struct e820entry (tools/include/xenctrl.h): 20 bytes, packed
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));
static_assert(sizeof(E820) == 20);

long reservation_op(unsigned cmd, domid_t domid, xen_pfn_t* list, unsigned long nr, unsigned order) {
    xen_memory_reservation r{};
    set_xen_guest_handle(r.extent_start, list);
    r.nr_extents = nr;
    r.extent_order = order;
    r.domid = domid;
    return HYPERVISOR_memory_op(cmd, &r);
}

long current_pages() {
    domid_t self = DOMID_SELF;
    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

// Pages this kernel gives back and takes again; nothing else touches them.
alignas(4096) uint8_t donor[4][4096];
xen_pfn_t gfn_of(const void* p) { return reinterpret_cast<uintptr_t>(p) >> 12; }

// GFNs beyond the guest's 32 MiB of RAM but inside the 4 GiB the framework
// maps, 64 KiB aligned for order-4 extents.
constexpr xen_pfn_t spare_gfn = 0x40000; // 1 GiB

} // namespace

TEST_CASE("memory.memory_map_matches_start_info") {
    SKIP_UNLESS_XEN();
    E820 map[16];
    memset(map, 0xff, sizeof(map));
    xen_memory_map mm{};
    mm.nr_entries = 16;
    set_xen_guest_handle(mm.buffer, map);
    REQUIRE_OK(HYPERVISOR_memory_op(XENMEM_memory_map, &mm));
    const hvm_start_info& si = pvh_start_info();
    REQUIRE_EQ(mm.nr_entries, si.memmap_entries);
    const auto* memmap = reinterpret_cast<const hvm_memmap_table_entry*>(si.memmap_paddr);
    unsigned mismatches = 0;
    for (unsigned i = 0; i < mm.nr_entries; ++i)
        if (map[i].addr != memmap[i].addr || map[i].size != memmap[i].size || map[i].type != memmap[i].type)
            ++mismatches;
    CHECK_EQ(mismatches, 0u);
}

TEST_CASE("memory.memory_map_truncates_to_the_buffer") {
    SKIP_UNLESS_XEN();
    E820 map[2];
    memset(map, 0xab, sizeof(map));
    xen_memory_map mm{};
    mm.nr_entries = 1;
    set_xen_guest_handle(mm.buffer, map);
    REQUIRE_OK(HYPERVISOR_memory_op(XENMEM_memory_map, &mm));
    CHECK_EQ(mm.nr_entries, 1u);
    CHECK_EQ(map[0].addr, 0u); // RAM from GPA 0
    CHECK_EQ(map[1].addr, 0xababababababababull); // the second slot is untouched
}

TEST_CASE("memory.memory_map_bad_pointers") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, unmapped_pointer()), EFAULT);
    xen_memory_map mm{};
    mm.nr_entries = 4;
    set_xen_guest_handle(mm.buffer, unmapped_pointer<E820>());
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), EFAULT);
}

TEST_CASE("memory.add_to_physmap_shared_info") {
    SKIP_UNLESS_XEN();
    shared_info* si = xen_time::map_shared_info();
    REQUIRE(si != nullptr);
    // Xen-owned contents, current from the first read: an even, non-zero
    // pvclock version with a usable scale.
    const vcpu_time_info& t = si->vcpu_info[0].time;
    CHECK_NE(t.version, 0u);
    CHECK_EQ(t.version % 2, 0u);
    CHECK_NE(t.tsc_to_system_mul, 0u);
    CHECK_EQ(si->wc_version % 2, 0u);
    // Mapping it again at the same place is fine.
    xen_add_to_physmap xatp{};
    xatp.domid = DOMID_SELF;
    xatp.space = XENMAPSPACE_shared_info;
    xatp.gpfn = gfn_of(si);
    CHECK_OK(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp));
}

TEST_CASE("memory.add_to_physmap_bad_arguments") {
    SKIP_UNLESS_XEN();
    xen_add_to_physmap xatp{};
    xatp.domid = DOMID_SELF;
    xatp.space = XENMAPSPACE_shared_info;
    xatp.idx = 1; // shared_info has one frame
    xatp.gpfn = spare_gfn;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp), EINVAL);
    xatp.idx = 0;
    xatp.space = 99; // no such space
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp), EINVAL);
    xatp.space = XENMAPSPACE_gmfn_foreign; // only with add_to_physmap_batch
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp), ENOSYS);
    xatp.space = XENMAPSPACE_shared_info;
    xatp.domid = domid_io;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp), ESRCH);
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, unmapped_pointer()), EFAULT);
    // A continuation index on a sub-op without continuations.
    xatp.domid = DOMID_SELF;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap | (1u << 6), &xatp), EDOM);
}

TEST_CASE("memory.add_to_physmap_grant_table") {
    SKIP_UNLESS_XEN();
    // Frame 0 of the grant table at a gfn outside RAM (Linux uses unpopulated
    // address space the same way); v1 has no status frames.
    xen_add_to_physmap xatp{};
    xatp.domid = DOMID_SELF;
    xatp.space = XENMAPSPACE_grant_table;
    xatp.idx = 0;
    xatp.gpfn = spare_gfn + 1024;
    CHECK_OK(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp));
    const auto* entries = reinterpret_cast<volatile const grant_entry_v1_t*>(xatp.gpfn << 12);
    CHECK_EQ(entries[100].flags, 0u); // readable, and nothing granted there
    xatp.idx = 1u << 20; // far beyond max_grant_frames
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp), EINVAL);
    xatp.idx = XENMAPIDX_grant_table_status; // status frame 0: v2 only
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp), EINVAL);
}

TEST_CASE("memory.foreign_domain_is_refused") {
    SKIP_UNLESS_XEN();
    const char* peer = option("memory.peer");
    if (!peer) SKIP("no memory.peer=N on the command line");
    const domid_t other = static_cast<domid_t>(peer[0] - '0');
    domid_t d = other;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_current_reservation, &d), EPERM);
    xen_add_to_physmap xatp{};
    xatp.domid = other;
    xatp.space = XENMAPSPACE_shared_info;
    xatp.gpfn = spare_gfn;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp), EPERM);
    xen_pfn_t list[1] = {spare_gfn};
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, other, list, 1, 0), 0);
}

TEST_CASE("memory.reservation_queries") {
    SKIP_UNLESS_XEN();
    const long cur = current_pages();
    domid_t self = DOMID_SELF;
    const long max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
    printf("  current %ld pages, maximum %ld pages\n", cur, max);
    CHECK_GE(cur, 32 * 256); // memory = 32 (MiB)
    CHECK_GE(max, cur);
    CHECK_GT(HYPERVISOR_memory_op(XENMEM_maximum_ram_page, nullptr), 0);
    domid_t io = domid_io;
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_current_reservation, &io), ESRCH);
    CHECK_ERRNO(HYPERVISOR_memory_op(XENMEM_maximum_reservation, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(HYPERVISOR_memory_op(63, nullptr), ENOSYS);
}

TEST_CASE("memory.decrease_then_populate_gives_a_zeroed_page") {
    SKIP_UNLESS_XEN();
    memset(donor[0], 0xaa, sizeof(donor[0]));
    const long before = current_pages();
    xen_pfn_t list[1] = {gfn_of(donor[0])};
    REQUIRE_EQ(reservation_op(XENMEM_decrease_reservation, DOMID_SELF, list, 1, 0), 1);
    CHECK_EQ(current_pages(), before - 1);
    // The page is gone: a second decrease of it does nothing.
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation, DOMID_SELF, list, 1, 0), 0);
    REQUIRE_EQ(reservation_op(XENMEM_populate_physmap, DOMID_SELF, list, 1, 0), 1);
    CHECK_EQ(current_pages(), before);
    size_t nonzero = 0;
    for (uint8_t b : donor[0]) nonzero += b != 0;
    CHECK_EQ(nonzero, 0u); // fresh memory, scrubbed
}

TEST_CASE("memory.populate_order4_outside_ram") {
    SKIP_UNLESS_XEN();
    const long before = current_pages();
    xen_pfn_t list[2] = {spare_gfn, spare_gfn + 16};
    REQUIRE_EQ(reservation_op(XENMEM_populate_physmap, DOMID_SELF, list, 2, 4), 2);
    CHECK_EQ(current_pages(), before + 32);
    auto* p = reinterpret_cast<volatile uint64_t*>(spare_gfn << 12);
    p[0] = 0x1234;
    p[(32 * 4096) / 8 - 1] = 0x5678; // last word of the second extent
    CHECK_EQ(p[0], 0x1234u);
    CHECK_EQ(p[(32 * 4096) / 8 - 1], 0x5678u);
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation, DOMID_SELF, list, 2, 4), 2);
    CHECK_EQ(current_pages(), before);
}

TEST_CASE("memory.partial_progress_is_reported") {
    SKIP_UNLESS_XEN();
    // The second extent of a decrease is not populated: one done.
    xen_pfn_t list[2] = {spare_gfn + 64, spare_gfn + 80};
    REQUIRE_EQ(reservation_op(XENMEM_populate_physmap, DOMID_SELF, list, 1, 4), 1);
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation, DOMID_SELF, list, 2, 4), 1);
    // An extent array the guest's page tables do not map: nothing done.
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, DOMID_SELF, unmapped_pointer<xen_pfn_t>(), 1, 0), 0);
    // A start extent in the command skips the extents before it.
    xen_pfn_t two[2] = {0xdeadbeefdeadull /* never read */, spare_gfn + 96};
    CHECK_EQ(reservation_op(XENMEM_populate_physmap | (1u << 6), DOMID_SELF, two, 2, 0), 2);
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation | (1u << 6), DOMID_SELF, two, 2, 0), 2);
}

TEST_CASE("memory.reservation_bad_arguments_do_nothing") {
    SKIP_UNLESS_XEN();
    xen_pfn_t list[1] = {spare_gfn + 128};
    const long before = current_pages();
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, DOMID_SELF, list, 1, 10), 0); // order above 9
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, domid_io, list, 1, 0), 0);
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, DOMID_SELF, list, 1ul << 27, 0), 0); // too many to encode
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, unmapped_pointer()), 0);
    xen_pfn_t huge[1] = {xen_pfn_t{1} << 40}; // beyond the guest-physical address space
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, DOMID_SELF, huge, 1, 0), 0);
    CHECK_EQ(reservation_op(XENMEM_increase_reservation, DOMID_SELF, list, 1, 0), 0); // PV only
    CHECK_EQ(current_pages(), before);
}

TEST_CASE("memory.populate_stops_at_max_pages") {
    SKIP_UNLESS_XEN();
    // 2 MiB more than a domain with maxmem = memory may hold: nothing done.
    xen_pfn_t list[1] = {spare_gfn + 512};
    const long before = current_pages();
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, DOMID_SELF, list, 1, 9), 0);
    CHECK_EQ(current_pages(), before);
}

// The p2m tables the hypervisor spends on a domain come from the domain's
// own capped pool (issue 10, finding 6; Xen's HAP pool): moving pages of
// RAM 1 GiB apart across the guest-physical space (a decrease, then a
// populate up there: the RAM count stays) costs two new tables a page, kept
// while the page stays, and ends with a populate that gets nothing for want
// of tables, for this domain alone (the peer domain runs on). Before the
// pool it went on until the host ran out. (Remapping shared_info no longer
// does it: the tables a removal empties are freed.) Last in this file:
// the moved pages are gone from where the kernel had them.
alignas(4096) uint8_t movable[400][4096];

TEST_CASE("memory.p2m_tables_are_capped") {
    SKIP_UNLESS_XEN();
    shared_info* si = xen_time::map_shared_info();
    REQUIRE(si != nullptr);
    constexpr unsigned limit = 400; // beyond the pool of a 32 MiB, 1-vCPU domain (256 + 32 tables)
    unsigned n = 0;
    long done = 1;
    for (; n < limit && done == 1; ++n) {
        xen_pfn_t from[1] = {gfn_of(movable[n])};
        REQUIRE_EQ(reservation_op(XENMEM_decrease_reservation, DOMID_SELF, from, 1, 0), 1);
        xen_pfn_t to[1] = {(xen_pfn_t{1} << 20) + (xen_pfn_t{n} << 18)};
        done = reservation_op(XENMEM_populate_physmap, DOMID_SELF, to, 1, 0);
    }
    printf("  %u pages moved 1 GiB apart, then a populate did %ld\n", n - 1, done);
    CHECK_EQ(done, 0);
    CHECK_GT(n, 64u); // many moves first: it was the pool, not the first populate, that ran out
    CHECK_LT(n, limit);
    // Where tables exist, mappings work as before: shared_info back at its gfn.
    xen_add_to_physmap xatp{};
    xatp.domid = DOMID_SELF;
    xatp.space = XENMAPSPACE_shared_info;
    xatp.gpfn = gfn_of(si);
    CHECK_OK(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp));
    CHECK_NE(si->vcpu_info[0].time.tsc_to_system_mul, 0u);
}
