// Grant tables between two domains booted together, in both versions: the
// granter (`grant.role=granter`) writes grant entries in its own table; the
// mapper (`grant.role=mapper`) maps them into its physical address space,
// writes and reads through the mappings, unmaps, and copies with
// GNTTABOP_copy; bad references, wrong domains, read-only violations
// (write-pinning a read-only grant; writing through a read-only mapping is
// #GP, as Xen) and revoked grants must each give Xen's status. Then the
// granter powers off while the mapper still has one of its pages mapped:
// the page must stay
// intact until the mapper unmaps it (the system test checks that every
// page comes back). Expected values are Xen 4.17's for a PVH domU
// (xen/common/grant_table.c).
//
// The two sides step in lock-step over an interdomain event channel: each
// phase ends with one side's send and the other's wait.
//
// Command line: `grant.role=granter|mapper event.peer=N` (N: the other domain).
#include "../event/event.hpp"

using namespace cxen::guest;
using namespace cxen::guest::event;

namespace {

// Spare GFNs above RAM and below the 4 GiB hole (identity-mapped by the boot
// page tables): the granter's grant and status frames, the mapper's
// mapping slots.
constexpr uint64_t shared_gfn = 0x80000, status_gfn = 0x80010;
constexpr uint64_t map_gfn_rw = 0x80100, map_gfn_ro = 0x80101, map_gfn_kept = 0x80102, map_gfn_spare = 0x80103;
constexpr domid_t absent_dom = 0x7000;

// The granter's refs (above the reserved ones) and what they grant.
enum : grant_ref_t {
    ref_rw = 10,      ///< page_rw, writable
    ref_ro = 11,      ///< page_ro, GTF_readonly
    ref_other = 12,   ///< page_rw, but granted to a domain that does not exist
    ref_none = 13,    ///< no flags: not granted
    ref_dest = 14,    ///< page_dest, writable: GNTTABOP_copy's destination
    ref_kept = 15,    ///< page_kept: stays mapped while the granter dies
    ref_bad = 100000, ///< beyond any table
};
constexpr uint8_t pattern_rw = 0xa5, pattern_ro = 0x3c, pattern_mapper = 0x5a, pattern_kept = 0x77;

alignas(4096) uint8_t page_rw[4096];
alignas(4096) uint8_t page_ro[4096];
alignas(4096) uint8_t page_dest[4096];
alignas(4096) uint8_t page_kept[4096];
alignas(4096) uint8_t mapper_src[4096]; // the mapper's own pages for copies
alignas(4096) uint8_t mapper_dst[4096];
// A long GNTTABOP_copy batch: 16 bytes of the r/o page into each 16-byte
// slot of mapper_dst, many times over. Long enough under emulation that the
// hypervisor is asked to reschedule during it and continues the batch in a
// second VMMCALL (hypercall continuation), which the guest must not notice.
constexpr unsigned long_batch = 4096;
gnttab_copy_t long_copy[long_batch];

uint64_t gfn_of(const void* p) { return reinterpret_cast<uint64_t>(p) >> 12; }

bool role_is(const char* r) {
    const char* o = option("grant.role");
    return o && strcmp(o, r) == 0;
}

// ---- the event channel that paces the two sides ----
shared_info* si;
evtchn_port_t port;

void signal() { (void)send(port); }

bool wait() { return wait_port(si, port); }

bool connect_as_granter(domid_t peer) {
    const long p = offer_masked_port(si, peer);
    if (p <= 0) return false;
    port = static_cast<evtchn_port_t>(p);
    return wait(); // the mapper's hello
}

bool connect_as_mapper(domid_t peer) {
    const long p = connect_to_offered_port(si, peer); // sends the hello
    if (p <= 0) return false;
    port = static_cast<evtchn_port_t>(p);
    return true;
}

// ---- grant-table wrappers ----
long add_to_physmap(unsigned space, uint64_t idx, uint64_t gfn) {
    xen_add_to_physmap_t x{};
    x.domid = DOMID_SELF;
    x.space = space;
    x.idx = idx;
    x.gpfn = gfn;
    return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x);
}

long set_version(uint32_t v) {
    gnttab_set_version_t op{v};
    return HYPERVISOR_grant_table_op(GNTTABOP_set_version, &op, 1);
}

struct Mapped {
    int16_t status;
    grant_handle_t handle;
};

Mapped map(domid_t dom, grant_ref_t ref, uint64_t gfn, bool readonly) {
    gnttab_map_grant_ref_t op{};
    op.host_addr = gfn << 12;
    op.flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0);
    op.ref = ref;
    op.dom = dom;
    op.status = 99;
    const long rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
    if (rc) return {static_cast<int16_t>(-1000 + rc), 0};
    return {op.status, op.handle};
}

int16_t unmap(grant_handle_t handle, uint64_t gfn) {
    gnttab_unmap_grant_ref_t op{};
    op.host_addr = gfn << 12;
    op.handle = handle;
    op.status = 99;
    const long rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);
    return rc ? static_cast<int16_t>(-1000 + rc) : op.status;
}

/// Flags of `ref` as the granter sees them: v1 in the entry, v2 the
/// GTF_reading/GTF_writing bits live in the status frame.
uint16_t in_use_flags(unsigned version, grant_ref_t ref) {
    if (version == 1)
        return reinterpret_cast<volatile grant_entry_v1_t*>(shared_gfn << 12)[ref].flags &
               (GTF_reading | GTF_writing);
    return reinterpret_cast<volatile grant_status_t*>(status_gfn << 12)[ref] & (GTF_reading | GTF_writing);
}

void grant(unsigned version, grant_ref_t ref, domid_t dom, uint64_t gfn, uint16_t flags) {
    if (version == 1) {
        auto* e = reinterpret_cast<volatile grant_entry_v1_t*>(shared_gfn << 12) + ref;
        e->domid = dom;
        e->frame = static_cast<uint32_t>(gfn);
        __atomic_thread_fence(__ATOMIC_SEQ_CST); // frame and domid before flags, as Linux does
        e->flags = flags;
    } else {
        auto* e = reinterpret_cast<volatile grant_entry_v2_t*>(shared_gfn << 12) + ref;
        e->full_page.frame = gfn;
        e->hdr.domid = dom;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        e->hdr.flags = flags;
    }
}

void revoke(unsigned version, grant_ref_t ref) {
    if (version == 1) reinterpret_cast<volatile grant_entry_v1_t*>(shared_gfn << 12)[ref].flags = 0;
    else reinterpret_cast<volatile grant_entry_v2_t*>(shared_gfn << 12)[ref].hdr.flags = 0;
}

bool page_is(const volatile uint8_t* p, uint8_t v) {
    for (unsigned i = 0; i < 4096; ++i)
        if (p[i] != v) return false;
    return true;
}

} // namespace

TEST_CASE("grant.sharing") {
    SKIP_UNLESS_XEN();
    const long peer_l = peer_domid();
    if (peer_l < 0 || !(role_is("granter") || role_is("mapper")))
        SKIP("needs grant.role=granter|mapper and event.peer=N");
    const auto peer = static_cast<domid_t>(peer_l);
    si = shinfo();
    REQUIRE(si != nullptr);
    clear_upcall(si);

    if (role_is("granter")) {
        REQUIRE_OK(add_to_physmap(XENMAPSPACE_grant_table, 0, shared_gfn));
        REQUIRE(connect_as_granter(peer));
        for (unsigned version = 1; version <= 2; ++version) {
            printf("  version %u\n", version);
            if (version == 2) {
                REQUIRE_OK(set_version(2));
                // The status frame carries GTF_reading/GTF_writing under v2.
                REQUIRE_OK(add_to_physmap(XENMAPSPACE_grant_table, 0 | XENMAPIDX_grant_table_status, status_gfn));
            }
            memset(page_rw, pattern_rw, sizeof(page_rw));
            memset(page_ro, pattern_ro, sizeof(page_ro));
            memset(page_dest, 0, sizeof(page_dest));
            grant(version, ref_rw, peer, gfn_of(page_rw), GTF_permit_access);
            grant(version, ref_ro, peer, gfn_of(page_ro), GTF_permit_access | GTF_readonly);
            grant(version, ref_other, absent_dom, gfn_of(page_rw), GTF_permit_access);
            grant(version, ref_none, peer, gfn_of(page_rw), 0);
            grant(version, ref_dest, peer, gfn_of(page_dest), GTF_permit_access);
            signal(); // 1: granted
            REQUIRE(wait()); // 2: the mapper holds ref_rw (r/w) and ref_ro (r/o)
            CHECK_EQ(in_use_flags(version, ref_rw), GTF_reading | GTF_writing);
            CHECK_EQ(in_use_flags(version, ref_ro), GTF_reading);
            // No version change while grants are mapped.
            CHECK_ERRNO(set_version(version == 1 ? 2 : 1), EBUSY);
            signal(); // 3
            REQUIRE(wait()); // 4: unmapped
            CHECK_EQ(in_use_flags(version, ref_rw), 0);
            CHECK_EQ(in_use_flags(version, ref_ro), 0);
            CHECK(page_is(page_rw, pattern_mapper)); // written through the mapping
            CHECK(page_is(page_ro, pattern_ro));
            revoke(version, ref_rw);
            signal(); // 5: revoked
            REQUIRE(wait()); // 6: copies done
            CHECK(page_is(page_dest, pattern_mapper)); // GNTTABOP_copy into our ref_dest
            CHECK(page_is(page_ro, pattern_ro));       // a copy to a r/o grant changed nothing
        }
        // Last: ref_kept stays mapped by the mapper while we power off.
        memset(page_kept, pattern_kept, sizeof(page_kept));
        grant(2, ref_kept, peer, gfn_of(page_kept), GTF_permit_access);
        signal(); // 7
        REQUIRE(wait()); // 8: mapped; we leave (the runner powers off)
    } else {
        REQUIRE(connect_as_mapper(peer));
        const auto* rw = reinterpret_cast<volatile uint8_t*>(map_gfn_rw << 12);
        const auto* ro = reinterpret_cast<volatile uint8_t*>(map_gfn_ro << 12);
        for (unsigned version = 1; version <= 2; ++version) {
            printf("  version %u\n", version);
            REQUIRE(wait()); // 1
            // Good mappings: read-write and read-only.
            const Mapped m_rw = map(peer, ref_rw, map_gfn_rw, false);
            REQUIRE_EQ(m_rw.status, GNTST_okay);
            const Mapped m_ro = map(peer, ref_ro, map_gfn_ro, true);
            REQUIRE_EQ(m_ro.status, GNTST_okay);
            CHECK(m_rw.handle != m_ro.handle);
            CHECK(page_is(rw, pattern_rw));
            CHECK(page_is(ro, pattern_ro));
            memset(const_cast<uint8_t*>(rw), pattern_mapper, 4096);
            // Writing through the read-only mapping: #GP, as Xen, and no change.
            const FaultInfo f = catch_fault([&] { *const_cast<volatile uint8_t*>(ro + 100) = pattern_mapper; });
            CHECK(f.faulted);
            CHECK_EQ(f.vector, 13);
            CHECK(page_is(ro, pattern_ro));
            // Bad ones, each with Xen's status.
            CHECK_EQ(map(peer, ref_ro, map_gfn_spare, false).status, GNTST_general_error); // write-pin a r/o grant
            CHECK_EQ(map(peer, ref_other, map_gfn_spare, false).status, GNTST_general_error); // not granted to us
            CHECK_EQ(map(peer, ref_none, map_gfn_spare, false).status, GNTST_general_error);  // not granted at all
            CHECK_EQ(map(peer, ref_bad, map_gfn_spare, false).status, GNTST_bad_gntref);
            CHECK_EQ(map(absent_dom, ref_rw, map_gfn_spare, false).status, GNTST_bad_domain);
            {
                gnttab_map_grant_ref_t op{};
                op.host_addr = map_gfn_spare << 12;
                op.flags = 0; // neither host nor device mapping
                op.ref = ref_rw;
                op.dom = peer;
                REQUIRE_OK(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1));
                CHECK_EQ(op.status, GNTST_bad_gntref); // Xen: "Bad flags in grant map op"
            }
            CHECK_ERRNO(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, unmapped_pointer(), 1), EFAULT);
            signal(); // 2
            REQUIRE(wait()); // 3
            CHECK_EQ(unmap(m_rw.handle, map_gfn_rw), GNTST_okay);
            CHECK_EQ(unmap(m_ro.handle, map_gfn_ro), GNTST_okay);
            CHECK_EQ(unmap(m_rw.handle, map_gfn_rw), GNTST_bad_handle); // already unmapped
            CHECK_EQ(unmap(0x7fff, map_gfn_rw), GNTST_bad_handle);
            signal(); // 4
            REQUIRE(wait()); // 5: ref_rw revoked
            CHECK_EQ(map(peer, ref_rw, map_gfn_rw, false).status, GNTST_general_error);
            // GNTTABOP_copy: a batch of three, each with its own status.
            memset(mapper_dst, 0, sizeof(mapper_dst));
            memset(mapper_src, pattern_mapper, sizeof(mapper_src));
            gnttab_copy_t c[3]{};
            c[0].source.u.ref = ref_ro; // the granter's r/o page -> our mapper_dst
            c[0].source.domid = peer;
            c[0].dest.u.gmfn = gfn_of(mapper_dst);
            c[0].dest.domid = DOMID_SELF;
            c[0].len = 4096;
            c[0].flags = GNTCOPY_source_gref;
            c[1].source.u.gmfn = gfn_of(mapper_src); // our mapper_src -> the granter's ref_dest
            c[1].source.domid = DOMID_SELF;
            c[1].dest.u.ref = ref_dest;
            c[1].dest.domid = peer;
            c[1].len = 4096;
            c[1].flags = GNTCOPY_dest_gref;
            c[2] = c[1];
            c[2].dest.u.ref = ref_ro; // writing into a read-only grant
            REQUIRE_OK(HYPERVISOR_grant_table_op(GNTTABOP_copy, c, 3));
            CHECK_EQ(c[0].status, GNTST_okay);
            CHECK_EQ(c[1].status, GNTST_okay);
            CHECK_EQ(c[2].status, GNTST_general_error);
            CHECK(page_is(mapper_dst, pattern_ro));
            memset(mapper_dst, 0, sizeof(mapper_dst));
            for (unsigned i = 0; i < long_batch; ++i) {
                long_copy[i] = c[0];
                long_copy[i].source.offset = static_cast<uint16_t>((i * 16) % 4096);
                long_copy[i].dest.offset = static_cast<uint16_t>((i * 16) % 4096);
                long_copy[i].len = 16;
                long_copy[i].status = 99;
            }
            REQUIRE_OK(HYPERVISOR_grant_table_op(GNTTABOP_copy, long_copy, long_batch));
            unsigned copied = 0;
            for (unsigned i = 0; i < long_batch; ++i) copied += long_copy[i].status == GNTST_okay;
            CHECK_EQ(copied, long_batch);
            CHECK(page_is(mapper_dst, pattern_ro));
            // Bad copies: offset + len beyond the page, a bad ref, no such domain.
            gnttab_copy_t b = c[0];
            b.len = 4096;
            b.source.offset = 1;
            REQUIRE_OK(HYPERVISOR_grant_table_op(GNTTABOP_copy, &b, 1));
            CHECK_EQ(b.status, GNTST_bad_copy_arg);
            b = c[0];
            b.source.u.ref = ref_bad;
            REQUIRE_OK(HYPERVISOR_grant_table_op(GNTTABOP_copy, &b, 1));
            CHECK_EQ(b.status, GNTST_bad_gntref);
            b = c[0];
            b.source.domid = absent_dom;
            REQUIRE_OK(HYPERVISOR_grant_table_op(GNTTABOP_copy, &b, 1));
            CHECK_EQ(b.status, GNTST_bad_domain);
            signal(); // 6
        }
        REQUIRE(wait()); // 7
        const Mapped kept = map(peer, ref_kept, map_gfn_kept, true);
        REQUIRE_EQ(kept.status, GNTST_okay);
        signal(); // 8: the granter powers off now
        // Wait until the granter is gone (its domain no longer answers).
        evtchn_status_t s{};
        for (int tries = 0; tries < 1000000; ++tries) {
            REQUIRE_OK(status(DOMID_SELF, port, s));
            if (s.status != EVTCHNSTAT_interdomain) break;
            (void)HYPERVISOR_sched_op(SCHEDOP_yield, nullptr);
        }
        CHECK_EQ(s.status, EVTCHNSTAT_unbound);
        // Its page is still mapped and intact: it was not freed under us.
        CHECK(page_is(reinterpret_cast<volatile uint8_t*>(map_gfn_kept << 12), pattern_kept));
        CHECK_EQ(unmap(kept.handle, map_gfn_kept), GNTST_okay);
    }
    CHECK_OK(close(port));
    clear_upcall(si);
}
