// A hostile guest: many thousands of hypercalls with random numbers, random
// sub-commands and random arguments (random pointers, huge counts, garbage
// structs), seeded from the TSC and printing the seed. The hypervisor must
// stay up; the guest must still work afterwards and ends with a clean report.
//
//   hostile.seed=N        replay a run (the seed is printed at the start)
//   hostile.iterations=N  number of hypercalls (default 20000)
//   hostile.trace=N       print every hypercall from number N on
//
// The guest avoids hurting itself, not the hypervisor: calls that would
// legitimately stop, block or reshape this domain (shutdown, block, poll,
// VCPUOP_down, memory reservation changes, remapping its own GFNs, moving
// vcpu_info/runstate areas, FIFO control blocks, grant maps and copies that
// could land on its own RAM) get only argument pointers the hypervisor
// cannot read. Struct contents are drawn from value classes that never
// address this kernel's own pages (see random_word()). One call in ten is
// instead a real grant batch (map, unmap, copy, swap) against grants this
// domain gives itself, its neighbours and absent domains, with every address
// kept where success harms nobody (see grant_call()); the run reports how
// many elements succeeded.
#include "guest.hpp"

using namespace cxen::guest;

namespace {

constexpr unsigned default_iterations = 20000;
constexpr unsigned progress_every = 2000;

// xorshift64*: small, fast, reproducible.
struct Rng {
    uint64_t s;
    uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545F4914F6CDD1Dull;
    }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
};

// Scratch memory the hypervisor may read and write as it likes; arguments
// that are "valid pointers" point into its first half (structs are small,
// so writes stay inside it).
alignas(4096) constinit uint8_t scratch[128 * 1024] = {};
constexpr uint64_t scratch_usable = sizeof(scratch) / 2;

uint64_t rdtsc() {
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t{hi} << 32) | lo;
}

// A value that, taken as an address or frame number, never lands in this
// kernel's image, stack or page tables (RAM from 1 MiB up), so that the
// hypervisor cannot be made to corrupt the guest "legitimately": small
// integers (page 0 is unused), values >= 2 GiB (unpopulated, MMIO holes or
// beyond the identity map), non-canonical ones, all-ones, or a scratch pointer.
uint64_t random_word(Rng& r) {
    switch (r.below(10)) {
    case 0: return 0;
    case 1: return r.below(200);
    case 2: return 0x80000000ull | (r.next() & 0x7fffffff);          // 2..4 GiB
    case 3: return (uint64_t{1} << 32) + r.below(uint64_t{1} << 40);  // above the identity map
    case 4: return 0x8000000000000000ull | r.next();                  // non-canonical / kernel half
    case 5: return ~uint64_t{0} - r.below(4);
    case 6: return 0xffffffffull - r.below(4);
    case 7: return reinterpret_cast<uintptr_t>(scratch) + r.below(scratch_usable);
    case 8: return 0x7ff0 + r.below(16); // DOMID_* specials in 16-bit fields
    default: return r.next() & 0xffff;
    }
}

// A pointer argument: null, unmapped, non-canonical or scratch (filled with
// random words first). `readable_ok` false: only ones the hypervisor cannot
// read (NULL is not among them: this kernel identity-maps page 0).
uint64_t random_pointer(Rng& r, bool readable_ok) {
    switch (r.below(readable_ok ? 6 : 4)) {
    case 0: return readable_ok ? 0 : unmapped_address; // page 0 is mapped RAM here: NULL is readable
    case 1: return unmapped_address + r.below(1u << 20);
    case 2: return 0x8000000000000000ull | r.next();
    case 3: return ~uint64_t{0} - r.below(64);
    default: {
        const uint64_t off = r.below(scratch_usable - 512);
        auto* words = reinterpret_cast<uint64_t*>(scratch + (off & ~uint64_t{7}));
        for (int i = 0; i < 32; ++i) words[i] = random_word(r);
        return reinterpret_cast<uintptr_t>(scratch) + off;
    }
    }
}

uint64_t random_count(Rng& r) {
    switch (r.below(5)) {
    case 0: return r.below(4);
    case 1: return r.below(100);
    case 2: return 0x7fffffffull + r.below(3);
    case 3: return ~uint64_t{0} - r.below(3);
    default: return r.next();
    }
}

struct Call {
    unsigned nr;
    uint64_t a[5];
};

// Commands of a family that must only see unreadable pointers (see top).
bool dangerous(unsigned nr, uint64_t cmd) {
    const auto c = static_cast<uint32_t>(cmd);
    switch (nr) {
    case __HYPERVISOR_sched_op:
    case __HYPERVISOR_sched_op_compat:
        return c != SCHEDOP_yield; // shutdown, block, poll, remote_shutdown, watchdog, ...
    case __HYPERVISOR_vcpu_op:
        return true; // down, initialise, register_* areas: the vcpuid is random too
    case __HYPERVISOR_memory_op:
        switch (c & 0xf) { // MEMOP_CMD_MASK is 0x3f; be generous
        case XENMEM_maximum_ram_page: case XENMEM_current_reservation: case XENMEM_maximum_reservation:
        case XENMEM_maximum_gpfn: case XENMEM_memory_map: case XENMEM_machine_memory_map:
            return false;
        default: return true;
        }
    case __HYPERVISOR_event_channel_op:
    case __HYPERVISOR_event_channel_op_compat:
        return c == EVTCHNOP_init_control || c == EVTCHNOP_expand_array || c == EVTCHNOP_reset;
    case __HYPERVISOR_hvm_op:
        return true; // set_param may move the callback, the console, the store ...
    case __HYPERVISOR_grant_table_op:
        // Mapping over or copying onto random frames of its own RAM, or a
        // batch whose per-element status lands all over its own memory (a
        // readable pointer, a huge count), is a guest hurting itself.
        return c == GNTTABOP_map_grant_ref || c == GNTTABOP_unmap_grant_ref || c == GNTTABOP_copy ||
               c == GNTTABOP_unmap_and_replace ||
               c == GNTTABOP_transfer || c == GNTTABOP_swap_grant_ref;
    default:
        return nr == __HYPERVISOR_mmu_update || nr == __HYPERVISOR_mmuext_op || nr == __HYPERVISOR_update_va_mapping ||
               nr == __HYPERVISOR_vm_assist || nr == __HYPERVISOR_domctl || nr == __HYPERVISOR_sysctl ||
               nr == __HYPERVISOR_kexec_op || nr == __HYPERVISOR_dm_op || nr == __HYPERVISOR_hypfs_op;
    }
}

// ---- grant operations with real effect, aimed where they cannot hurt us ----
// The generic calls above give grant maps and copies only unreadable
// pointers. These build real batches instead: this domain grants its own
// grant_pages to itself (refs first_self_ref.., some read-only) and then
// maps, unmaps, copies and swaps at random, against itself, its neighbours
// and absent domains. Host mappings only land on spare GFNs above RAM and
// copies only touch grant_pages, so whatever succeeds harms nobody.
constexpr uint64_t self_table_gfn = 0x7f000;   // our grant frame 0
constexpr uint64_t map_area_gfn = 0x80000;     // host mappings: 256 GFNs from here
constexpr unsigned nr_grant_pages = 8, first_self_ref = 8;
alignas(4096) uint8_t grant_pages[nr_grant_pages][4096];
alignas(8) uint8_t grant_batch[16 * sizeof(gnttab_copy_t)]; // the largest element
domid_t self_domid;
bool grants_ready = false;

uint64_t gfn_of(const void* p) { return reinterpret_cast<uint64_t>(p) >> 12; }

void grant_to_self() {
    self_domid = static_cast<domid_t>(x86::cpuid(xen().cpuid_base + 4).ecx);
    xen_add_to_physmap_t x{};
    x.domid = DOMID_SELF;
    x.space = XENMAPSPACE_grant_table;
    x.idx = 0;
    x.gpfn = self_table_gfn;
    if (HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x) != 0) return;
    auto* e = reinterpret_cast<volatile grant_entry_v1_t*>(self_table_gfn << 12);
    for (unsigned i = 0; i < nr_grant_pages; ++i) {
        e[first_self_ref + i].domid = self_domid;
        e[first_self_ref + i].frame = static_cast<uint32_t>(gfn_of(grant_pages[i]));
        e[first_self_ref + i].flags = GTF_permit_access | (i % 3 == 0 ? GTF_readonly : 0);
    }
    grants_ready = true;
}

domid_t random_domid(Rng& r) {
    switch (r.below(6)) {
    case 0: return DOMID_SELF;
    case 1: case 2: return self_domid;
    case 3: return static_cast<domid_t>(r.below(4)); // a neighbour, dom0 (absent) ...
    case 4: return static_cast<domid_t>(0x7ff0 + r.below(16));
    default: return static_cast<domid_t>(r.next());
    }
}
uint32_t random_ref(Rng& r) {
    return r.below(4) ? first_self_ref - 2 + static_cast<uint32_t>(r.below(nr_grant_pages + 4))
                      : static_cast<uint32_t>(random_word(r));
}
uint64_t random_map_addr(Rng& r) { return (map_area_gfn + r.below(256)) << 12; }

void random_copy_side(Rng& r, gnttab_copy_t::gnttab_copy_ptr& side, bool gref) {
    if (gref) side.u.ref = random_ref(r);
    else side.u.gmfn = r.below(8) ? gfn_of(grant_pages[r.below(nr_grant_pages)]) : map_area_gfn + r.below(256);
    side.domid = gref ? random_domid(r) : (r.below(8) ? DOMID_SELF : random_domid(r));
    side.offset = static_cast<uint16_t>(r.below(4) ? r.below(4096) : r.next());
}

Call grant_call(Rng& r) {
    Call c{};
    c.nr = __HYPERVISOR_grant_table_op;
    const unsigned n = 1 + static_cast<unsigned>(r.below(16));
    memset(grant_batch, 0, sizeof(grant_batch));
    switch (r.below(4)) {
    case 0: {
        c.a[0] = GNTTABOP_map_grant_ref;
        auto* ops = reinterpret_cast<gnttab_map_grant_ref_t*>(grant_batch);
        for (unsigned i = 0; i < n; ++i) {
            ops[i].host_addr = random_map_addr(r);
            ops[i].flags = r.below(4) ? GNTMAP_host_map | (r.below(2) ? GNTMAP_readonly : 0)
                                      : static_cast<uint32_t>(r.below(32));
            ops[i].ref = random_ref(r);
            ops[i].dom = random_domid(r);
        }
        break;
    }
    case 1: {
        c.a[0] = GNTTABOP_unmap_grant_ref;
        auto* ops = reinterpret_cast<gnttab_unmap_grant_ref_t*>(grant_batch);
        for (unsigned i = 0; i < n; ++i) {
            ops[i].host_addr = r.below(8) ? random_map_addr(r) : 0;
            ops[i].handle = static_cast<grant_handle_t>(r.below(4) ? r.below(64) : r.next());
        }
        break;
    }
    case 2: {
        c.a[0] = GNTTABOP_copy;
        auto* ops = reinterpret_cast<gnttab_copy_t*>(grant_batch);
        for (unsigned i = 0; i < n; ++i) {
            ops[i].flags = static_cast<uint16_t>(r.below(4) ? r.below(4) : r.next()); // source_gref, dest_gref
            random_copy_side(r, ops[i].source, ops[i].flags & GNTCOPY_source_gref);
            random_copy_side(r, ops[i].dest, ops[i].flags & GNTCOPY_dest_gref);
            ops[i].len = static_cast<uint16_t>(r.below(4) ? r.below(4097) : r.next());
        }
        break;
    }
    default: {
        c.a[0] = GNTTABOP_swap_grant_ref;
        auto* ops = reinterpret_cast<gnttab_swap_grant_ref_t*>(grant_batch);
        for (unsigned i = 0; i < n; ++i) {
            ops[i].ref_a = random_ref(r);
            ops[i].ref_b = random_ref(r);
        }
        break;
    }
    }
    c.a[1] = reinterpret_cast<uint64_t>(grant_batch);
    c.a[2] = n;
    return c;
}

/// Elements of the structured grant batches that succeeded, by op.
unsigned grant_okay[4], grant_tried[4];

void tally_grant_batch(const Call& c) {
    const unsigned n = static_cast<unsigned>(c.a[2]);
    for (unsigned i = 0; i < n; ++i) {
        int16_t st;
        unsigned k;
        switch (c.a[0]) {
        case GNTTABOP_map_grant_ref: k = 0, st = reinterpret_cast<gnttab_map_grant_ref_t*>(grant_batch)[i].status; break;
        case GNTTABOP_unmap_grant_ref: k = 1, st = reinterpret_cast<gnttab_unmap_grant_ref_t*>(grant_batch)[i].status; break;
        case GNTTABOP_copy: k = 2, st = reinterpret_cast<gnttab_copy_t*>(grant_batch)[i].status; break;
        default: k = 3, st = reinterpret_cast<gnttab_swap_grant_ref_t*>(grant_batch)[i].status; break;
        }
        ++grant_tried[k];
        grant_okay[k] += st == GNTST_okay;
    }
}

Call random_call(Rng& r) {
    Call c{};
    // Mostly the families a PVH guest uses, else any of 0..63, sometimes anything.
    static constexpr unsigned families[] = {
        __HYPERVISOR_xen_version, __HYPERVISOR_console_io, __HYPERVISOR_sched_op, __HYPERVISOR_memory_op,
        __HYPERVISOR_vcpu_op, __HYPERVISOR_hvm_op, __HYPERVISOR_event_channel_op, __HYPERVISOR_grant_table_op,
        __HYPERVISOR_physdev_op, __HYPERVISOR_vm_assist, __HYPERVISOR_set_timer_op,
    };
    if (grants_ready && r.below(10) == 0) return grant_call(r);
    const uint64_t pick = r.below(20);
    c.nr = pick == 0   ? static_cast<unsigned>(r.next())
           : pick == 1 ? 64 + static_cast<unsigned>(r.below(1000))
           : pick < 8  ? static_cast<unsigned>(r.below(64))
                       : families[r.below(sizeof(families) / sizeof(families[0]))];
    // First argument: usually a small sub-command, sometimes garbage.
    c.a[0] = r.below(4) == 0 ? random_word(r) : r.below(40);
    const bool unsafe = dangerous(c.nr, c.a[0]);
    for (int i = 1; i < 5; ++i) {
        switch (r.below(3)) {
        case 0: c.a[i] = random_pointer(r, !unsafe); break;
        case 1: c.a[i] = random_count(r); break;
        default: c.a[i] = unsafe ? random_pointer(r, false) : random_word(r); break;
        }
        // An unsafe call's every argument must be unreadable: counts can be
        // read as pointers too, so force the pointer classes.
        if (unsafe) c.a[i] = random_pointer(r, false);
    }
    // Calls that stop this domain without reading memory: swap them out.
    const auto cmd = static_cast<uint32_t>(c.a[0]);
    if (c.nr == __HYPERVISOR_sched_op && cmd == SCHEDOP_block) c.a[0] = SCHEDOP_yield; // IF=0: forever
    if (c.nr == __HYPERVISOR_sched_op_compat && cmd != SCHEDOP_yield) c.a[0] = SCHEDOP_yield; // reason by value
    if (c.nr == __HYPERVISOR_vcpu_op && cmd == VCPUOP_down && static_cast<uint32_t>(c.a[1]) == 0) c.a[1] = 1;
    // console_io writes what it reads to the log: keep the log readable by
    // pairing huge counts only with pointers the hypervisor cannot read.
    if (c.nr == __HYPERVISOR_console_io && c.a[1] > 80) {
        if (r.below(2)) c.a[1] = r.below(80);
        else c.a[2] = random_pointer(r, false);
    }
    return c;
}

uint64_t option_u64(const char* key, uint64_t dflt) {
    const char* v = option(key);
    if (!v || !*v) return dflt;
    uint64_t x = 0;
    for (; *v >= '0' && *v <= '9'; ++v) x = x * 10 + static_cast<uint64_t>(*v - '0');
    return x;
}

// Random CONSOLEIO_writes leave a partial line in the hypervisor's per-domain
// line buffer; end it so that our own report lines start clean.
void end_raw_line() { (void)HYPERVISOR_console_io(CONSOLEIO_write, 1, "\n"); }

} // namespace

TEST_CASE("hostile.random_hypercalls") {
    SKIP_UNLESS_XEN();
    const uint64_t seed = option_u64("hostile.seed", rdtsc() | 1);
    const uint64_t iterations = option_u64("hostile.iterations", default_iterations);
    // hostile.trace=N prints every call from number N on (to find the one that hurts).
    const uint64_t trace_from = option_u64("hostile.trace", ~uint64_t{0});
    printf("  seed %lu, %lu hypercalls (replay: hostile.seed=%lu)\n", seed, iterations, seed);
    Rng r{seed};
    grant_to_self();
    unsigned ok = 0, enosys = 0, other_err = 0, odd = 0;
    for (uint64_t i = 0; i < iterations; ++i) {
        const Call c = random_call(r);
        if (i % progress_every == 0 || i >= trace_from) {
            end_raw_line();
            printf("  #%lu: hypercall %u (%#lx, %#lx, %#lx, %#lx, %#lx)\n", i, c.nr, c.a[0], c.a[1], c.a[2], c.a[3],
                   c.a[4]);
        }
        const long rc = hypercall(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
        if (c.nr == __HYPERVISOR_grant_table_op && c.a[1] == reinterpret_cast<uint64_t>(grant_batch) && rc == 0)
            tally_grant_batch(c);
        if (rc >= 0) ++ok;
        else if (rc == -static_cast<long>(cxen::Errno::XEN_ENOSYS)) ++enosys;
        else if (rc >= -4095) ++other_err;
        else {
            // Not an errno: report it (and keep going).
            if (++odd <= 5)
                printf("  odd return %ld from hypercall %u (%#lx, %#lx, %#lx, %#lx, %#lx)\n", rc, c.nr, c.a[0],
                       c.a[1], c.a[2], c.a[3], c.a[4]);
        }
    }
    end_raw_line();
    printf("  results: %u ok, %u -ENOSYS, %u other errors, %u odd\n", ok, enosys, other_err, odd);
    printf("  grant elements okay: map %u/%u, unmap %u/%u, copy %u/%u, swap %u/%u\n", grant_okay[0], grant_tried[0],
           grant_okay[1], grant_tried[1], grant_okay[2], grant_tried[2], grant_okay[3], grant_tried[3]);
    CHECK_EQ(odd, 0u);
    CHECK_GT(enosys + other_err, 0u);
}

TEST_CASE("hostile.still_works_afterwards") {
    SKIP_UNLESS_XEN();
    const long v = HYPERVISOR_xen_version(XENVER_version, nullptr);
    CHECK_EQ(v, (4l << 16) | 17);
    CHECK_ERRNO(HYPERVISOR_xen_version(XENVER_extraversion, unmapped_pointer()), EFAULT);
    gnttab_query_size_t q{};
    q.dom = DOMID_SELF;
    CHECK_OK(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1));
    CHECK_EQ(q.status, GNTST_okay);
    CHECK_OK(HYPERVISOR_sched_op(SCHEDOP_yield, nullptr));
}
