// Benchmark kernel: grant-table operations between two domains, in guest
// TSC cycles. `bench.role=granter` grants 16 of its pages to the peer and
// waits; `bench.role=mapper` measures, over batches:
//   - a GNTTABOP_map_grant_ref + GNTTABOP_unmap_grant_ref pair (host
//     mapping, read-write) of one grant;
//   - GNTTABOP_copy of one 4 KiB page per hypercall, grant -> own page;
//   - GNTTABOP_copy of 16 pages (64 KiB) in one hypercall.
// It prints "BENCH grant_*" lines (cycles per unit and the TSC frequency
// from Xen's CPUID leaf, so the script can turn them into rates);
// bench/grant.sh collects them over several boots. Timed loops count
// failures instead of using REQUIRE/CHECK: each passing check prints a line.
//
// Command line: `bench.role=granter|mapper event.peer=N` (N: the other domain).
#include "../event/event.hpp"
#include "bench.hpp"

using namespace cxen::guest;
using namespace cxen::guest::bench;
using namespace cxen::guest::event;

namespace {
constexpr uint64_t shared_gfn = 0x80000, map_gfn = 0x80100;
constexpr unsigned pages = 16, first_ref = 10, batches = 16;

alignas(4096) uint8_t granted[pages][4096];
alignas(4096) uint8_t local[pages][4096];

void report(const char* what, uint64_t* per_unit, unsigned units_per_batch) {
    sort(per_unit, batches);
    printf("BENCH %s median=%lu min=%lu max=%lu batches=%u per_batch=%u tsc_khz=%u\n", what,
           per_unit[batches / 2], per_unit[0], per_unit[batches - 1], batches, units_per_batch,
           x86::cpuid(XEN_CPUID_FIRST_LEAF + 3, 0).ecx);
}

shared_info* si;
evtchn_port_t port;

bool wait_event() { return wait_port(si, port); }
} // namespace

TEST_CASE("bench.grant") {
    SKIP_UNLESS_XEN();
    const long peer_l = peer_domid();
    if (peer_l < 0 || !(role_is("granter") || role_is("mapper")))
        SKIP("needs bench.role=granter|mapper and event.peer=N");
    const auto peer = static_cast<domid_t>(peer_l);
    si = shinfo();
    REQUIRE(si != nullptr);
    if (role_is("granter")) {
        xen_add_to_physmap_t x{};
        x.domid = DOMID_SELF;
        x.space = XENMAPSPACE_grant_table;
        x.idx = 0;
        x.gpfn = shared_gfn;
        REQUIRE_OK(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x));
        auto* e = reinterpret_cast<volatile grant_entry_v1_t*>(shared_gfn << 12);
        for (unsigned i = 0; i < pages; ++i) {
            memset(granted[i], static_cast<int>(i), 4096);
            e[first_ref + i].domid = peer;
            e[first_ref + i].frame = static_cast<uint32_t>(reinterpret_cast<uint64_t>(granted[i]) >> 12);
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            e[first_ref + i].flags = GTF_permit_access;
        }
        const long p = offer_masked_port(si, peer);
        REQUIRE(p > 0);
        port = static_cast<evtchn_port_t>(p);
        REQUIRE(wait_event()); // the mapper is bound: the grants are in place
        REQUIRE(send(port) == 0);
        REQUIRE(wait_event()); // done
    } else {
        const long p = connect_to_offered_port(si, peer); // sends the hello
        REQUIRE(p > 0);
        port = static_cast<evtchn_port_t>(p);
        REQUIRE(wait_event()); // granted

        static uint64_t per[batches];
        unsigned failures = 0; // in the timed loops (a passing CHECK prints a line)
        // map + unmap pairs
        constexpr unsigned pairs = 64;
        for (unsigned b = 0; b < batches; ++b) {
            const uint64_t t0 = rdtsc_ordered();
            for (unsigned i = 0; i < pairs; ++i) {
                gnttab_map_grant_ref_t m{};
                m.host_addr = map_gfn << 12;
                m.flags = GNTMAP_host_map;
                m.ref = first_ref;
                m.dom = peer;
                failures += HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) != 0 || m.status != GNTST_okay;
                gnttab_unmap_grant_ref_t u{};
                u.host_addr = map_gfn << 12;
                u.handle = m.handle;
                failures += HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1) != 0 || u.status != GNTST_okay;
            }
            per[b] = (rdtsc_ordered() - t0) / pairs;
        }
        report("grant_map_unmap_pair_cycles", per, pairs);

        // one 4 KiB copy per hypercall
        constexpr unsigned copies = 64;
        for (unsigned b = 0; b < batches; ++b) {
            const uint64_t t0 = rdtsc_ordered();
            for (unsigned i = 0; i < copies; ++i) {
                gnttab_copy_t c{};
                c.source.u.ref = first_ref + (i % pages);
                c.source.domid = peer;
                c.dest.u.gmfn = reinterpret_cast<uint64_t>(local[i % pages]) >> 12;
                c.dest.domid = DOMID_SELF;
                c.len = 4096;
                c.flags = GNTCOPY_source_gref;
                failures += HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1) != 0 || c.status != GNTST_okay;
            }
            per[b] = (rdtsc_ordered() - t0) / copies;
        }
        CHECK_EQ(local[3][100], 3); // the copies really happened
        report("grant_copy_4k_cycles_per_page", per, copies);

        // 16 pages per hypercall
        constexpr unsigned calls = 8;
        static gnttab_copy_t batch[pages];
        for (unsigned i = 0; i < pages; ++i) {
            batch[i] = {};
            batch[i].source.u.ref = first_ref + i;
            batch[i].source.domid = peer;
            batch[i].dest.u.gmfn = reinterpret_cast<uint64_t>(local[i]) >> 12;
            batch[i].dest.domid = DOMID_SELF;
            batch[i].len = 4096;
            batch[i].flags = GNTCOPY_source_gref;
        }
        for (unsigned b = 0; b < batches; ++b) {
            const uint64_t t0 = rdtsc_ordered();
            for (unsigned i = 0; i < calls; ++i) failures += HYPERVISOR_grant_table_op(GNTTABOP_copy, batch, pages) != 0;
            per[b] = (rdtsc_ordered() - t0) / (calls * pages);
        }
        for (unsigned i = 0; i < pages; ++i) CHECK_EQ(batch[i].status, GNTST_okay);
        report("grant_copy_batch16_cycles_per_page", per, calls * pages);
        CHECK_EQ(failures, 0u);
        REQUIRE(send(port) == 0);
    }
    CHECK_OK(close(port));
}
