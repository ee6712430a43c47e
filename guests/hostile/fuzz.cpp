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
// could land on its own RAM) get only argument pointers
// the hypervisor cannot read. Struct contents are drawn from value classes
// that never address this kernel's own pages (see random_word()).
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

Call random_call(Rng& r) {
    Call c{};
    // Mostly the families a PVH guest uses, else any of 0..63, sometimes anything.
    static constexpr unsigned families[] = {
        __HYPERVISOR_xen_version, __HYPERVISOR_console_io, __HYPERVISOR_sched_op, __HYPERVISOR_memory_op,
        __HYPERVISOR_vcpu_op, __HYPERVISOR_hvm_op, __HYPERVISOR_event_channel_op, __HYPERVISOR_grant_table_op,
        __HYPERVISOR_physdev_op, __HYPERVISOR_vm_assist, __HYPERVISOR_set_timer_op,
    };
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
    unsigned ok = 0, enosys = 0, other_err = 0, odd = 0;
    for (uint64_t i = 0; i < iterations; ++i) {
        const Call c = random_call(r);
        if (i % progress_every == 0 || i >= trace_from) {
            end_raw_line();
            printf("  #%lu: hypercall %u (%#lx, %#lx, %#lx, %#lx, %#lx)\n", i, c.nr, c.a[0], c.a[1], c.a[2], c.a[3],
                   c.a[4]);
        }
        const long rc = hypercall(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
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
