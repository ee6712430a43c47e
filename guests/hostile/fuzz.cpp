// A hostile guest: tens of thousands of hypercalls from every vCPU at once,
// seeded and printing the seed. The hypervisor must stay up, its neighbours
// must not notice (guests/hostile/neighbour.cpp measures that), and the guest
// must still work afterwards and end with a clean report.
//
//   hostile.seed=N        replay a run (vCPU c draws from seed N + c)
//   hostile.iterations=N  hypercalls per vCPU (default 20000)
//   hostile.peer=D        the other attacker: grant to it, map and bind its
//                         grants and ports
//   hostile.die_at=N      after N hypercalls of vCPU 0, shut down with
//   hostile.die=crash     SHUTDOWN_crash (or poweroff) while the other vCPUs
//                         are mid-call
//   hostile.classes=a,b   draw only from these op classes (below, and
//                         `random`), to narrow a finding down
//   hostile.trace=N       print every hypercall from number N on
//
// Every vCPU of the domain fuzzes: vCPU 0 starts the others with
// VCPUOP_initialise + VCPUOP_up and brings back any that a fuzzed
// VCPUOP_down stopped. Six calls in ten are structured (op_class): real
// arguments in the domain's own RAM, so that they get past argument copying
// into the code behind it:
//   reservation  populate_physmap / decrease_reservation /
//                increase_reservation on the victim gfns (below)
//   physmap      add_to_physmap of shared_info, grant frames (status frames
//                too), gmfn and gmfn_range onto victim gfns; remove_from_physmap
//   vcpu         register_vcpu_info, runstate and time areas in victim pages,
//                timers, up/down/is_up/initialise
//   hvm          set/get_param, set_evtchn_upcall_vector, get_time
//   fifo         init_control / expand_array in victim pages, reset
//   evtchn       alloc/bind/close/send/unmask/status/... and SCHEDOP_poll
//   grant        map/unmap/copy/swap batches, setup_table, set_version,
//                get_status_frames
//   peer         grant maps of the peer's grants, binds of its ports
// The rest are random numbers, sub-commands and arguments as before.
//
// The victim gfns are the pages the attack may take away at any time: a
// bss arena whose pages are where every hypervisor-written structure is
// registered (vcpu_info, runstate areas, shared_info, FIFO control blocks
// and event arrays, grant and status frames), the console and xenstore pages,
// the grant host-mapping area and gfns above RAM. The guest never touches
// them itself, so losing them cannot hurt it "legitimately"; the hypervisor
// must keep every page it writes referenced (issue #10, findings 1 and 2).
// Everything else this kernel owns (code, stacks, argument buffers, grant
// frame 0 at self_table_gfn) is never passed where the hypervisor would
// unmap or overwrite it. The random calls keep the old rule: calls that
// would legitimately reshape this domain get only unreadable pointers.
#include "../time/xen_time.hpp"
#include "guest.hpp"
#include "hostile.hpp"
#include "smp.hpp"

#include <xen/hvm/hvm_vcpu.h>

using namespace cxen::guest;
using namespace cxen::guest::hostile;

namespace {

constexpr unsigned default_iterations = 20000;
constexpr unsigned progress_every = 2000;

// Scratch memory the hypervisor may read and write as it likes; arguments
// that are "valid pointers" point into its first half (structs are small,
// so writes stay inside it). Shared by all vCPUs: races only add noise.
alignas(4096) constinit uint8_t scratch[128 * 1024] = {};
constexpr uint64_t scratch_usable = sizeof(scratch) / 2;

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
               nr == __HYPERVISOR_kexec_op || nr == __HYPERVISOR_dm_op || nr == __HYPERVISOR_hypfs_op ||
               nr == __HYPERVISOR_multicall; // runs any of the above, from a list it reads (its a[0])
    }
}

// ---- the victim gfns ----
constexpr unsigned nr_arena_pages = 64;
alignas(4096) constinit uint8_t arena[nr_arena_pages][4096] = {};
constexpr uint64_t self_table_gfn = 0x7f000; // our grant frame 0: never a victim
constexpr uint64_t map_area_gfn = 0x80000;   // grant host mappings: 256 gfns from here
constexpr uint64_t high_gfn = 0x90000;       // above RAM, for populate and moves
uint64_t console_gfn, store_gfn;             // from HVM_PARAM_*_PFN at start

uint64_t gfn_of(const void* p) { return reinterpret_cast<uint64_t>(p) >> 12; }

uint64_t victim_gfn(Rng& r) {
    switch (r.below(16)) {
    case 0: return console_gfn;
    case 1: return store_gfn;
    case 2: return map_area_gfn + r.below(256);
    case 3: case 4: return high_gfn + r.below(64);
    default: return gfn_of(arena[r.below(nr_arena_pages)]);
    }
}
uint64_t arena_address(Rng& r, uint64_t size) {
    const uint64_t off = r.below(4) ? r.below(4096 / 64) * 64 : r.below(4096);
    return reinterpret_cast<uintptr_t>(arena[r.below(nr_arena_pages)]) + (off + size <= 4096 ? off : 0);
}

// ---- our grants: to ourselves and to the peer attacker ----
// Refs first_self_ref.. grant grant_pages to this domain, first_peer_ref..
// grant peer_pages to the peer, some read-only. Written into grant frame 0
// at self_table_gfn, in the layout of the version in force (vCPU 0 rewrites
// them after a successful set_version, which clears the table).
constexpr unsigned nr_grant_pages = 8, first_self_ref = 8, first_peer_ref = 24;
alignas(4096) uint8_t grant_pages[nr_grant_pages][4096];
alignas(4096) uint8_t peer_pages[nr_grant_pages][4096];
domid_t self_domid, peer_domid = DOMID_INVALID;
bool grants_ready = false;

void write_grant(unsigned version, unsigned ref, domid_t to, const void* page, bool readonly) {
    const uint16_t flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
    if (version == 2) {
        auto* e = reinterpret_cast<volatile grant_entry_v2_t*>(self_table_gfn << 12) + ref;
        e->full_page.frame = gfn_of(page);
        e->hdr.domid = to;
        x86::barrier();
        e->hdr.flags = flags;
    } else {
        auto* e = reinterpret_cast<volatile grant_entry_v1_t*>(self_table_gfn << 12) + ref;
        e->frame = static_cast<uint32_t>(gfn_of(page));
        e->domid = to;
        x86::barrier();
        e->flags = flags;
    }
}

void write_grants(unsigned version) {
    for (unsigned i = 0; i < nr_grant_pages; ++i) {
        write_grant(version, first_self_ref + i, self_domid, grant_pages[i], i % 3 == 0);
        if (peer_domid != DOMID_INVALID) write_grant(version, first_peer_ref + i, peer_domid, peer_pages[i], i % 3 == 1);
    }
}

void set_up_grants() {
    xen_add_to_physmap_t x{};
    x.domid = DOMID_SELF;
    x.space = XENMAPSPACE_grant_table;
    x.idx = 0;
    x.gpfn = self_table_gfn;
    if (HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x) != 0) return;
    write_grants(1);
    grants_ready = true;
}

domid_t random_domid(Rng& r) {
    switch (r.below(7)) {
    case 0: return DOMID_SELF;
    case 1: case 2: return self_domid;
    case 3: return peer_domid;
    case 4: return static_cast<domid_t>(r.below(5)); // a neighbour, dom0 (absent) ...
    case 5: return static_cast<domid_t>(0x7ff0 + r.below(16));
    default: return static_cast<domid_t>(r.next());
    }
}
uint32_t random_ref(Rng& r) {
    switch (r.below(8)) {
    case 0: return static_cast<uint32_t>(random_word(r));
    case 1: case 2: case 3: return first_peer_ref - 2 + static_cast<uint32_t>(r.below(nr_grant_pages + 4));
    default: return first_self_ref - 2 + static_cast<uint32_t>(r.below(nr_grant_pages + 4));
    }
}
uint64_t random_map_addr(Rng& r) {
    return (r.below(8) ? map_area_gfn + r.below(256) : victim_gfn(r)) << 12;
}

// ---- one call ----
enum OpClass : unsigned { reservation, physmap, vcpu, hvm, fifo, evtchn, grant, peer, random_op, nr_classes };
constexpr const char* class_names[nr_classes] = {"reservation", "physmap", "vcpu", "hvm", "fifo",
                                                 "evtchn", "grant", "peer", "random"};

struct Call {
    unsigned nr;
    uint64_t a[5];
    OpClass cls;
    bool batch; // a[1] is a grant batch in the caller's args, a[2] elements
};

/// Per-vCPU state: its random stream, the page its structured arguments live
/// in (the hypervisor writes results there), and its tallies.
struct alignas(4096) Cpu {
    uint8_t args[8192];
    Rng rng;
    uint64_t done;
    unsigned ok, enosys, other_err, odd;
    Call last; // the call in progress, for a report if the vCPU gets stuck
    Call first_odd;
    long first_odd_rc;
    unsigned class_ok[nr_classes], class_tried[nr_classes];
    unsigned grant_okay[4], grant_tried[4];
    volatile bool finished;
};
constinit Cpu cpus[max_guest_cpus] = {};
unsigned nr_cpus = 1;
uint64_t iterations, trace_from, die_at;
uint64_t start_ns; // Xen system time when the vCPUs started fuzzing
bool die_crash;

template <typename T> T* arg(Cpu& c, unsigned offset = 0) {
    memset(c.args + offset, 0, sizeof(T));
    return reinterpret_cast<T*>(c.args + offset);
}
uint64_t addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

Call make(OpClass cls, unsigned nr, uint64_t a0, const void* a1, uint64_t a2 = 0) {
    return Call{nr, {a0, addr(a1), a2, 0, 0}, cls, false};
}

Call reservation_call(Cpu& c, Rng& r) {
    auto* res = arg<xen_memory_reservation_t>(c);
    auto* extents = reinterpret_cast<xen_pfn_t*>(c.args + 4096);
    const unsigned n = 1 + static_cast<unsigned>(r.below(r.below(8) ? 4 : 64));
    // Extents larger than a page only above RAM: 2^order pages from a gfn
    // in the arena would run into the rest of this kernel.
    res->extent_order = r.below(8) ? 0 : 1 + static_cast<unsigned>(r.below(9));
    for (unsigned i = 0; i < n; ++i)
        extents[i] = res->extent_order == 0 ? victim_gfn(r)
                     : r.below(4)           ? high_gfn + (r.below(8) << res->extent_order)
                                            : high_gfn + r.below(4096); // unaligned
    set_xen_guest_handle(res->extent_start, extents);
    res->nr_extents = n;
    res->domid = r.below(16) ? DOMID_SELF : random_domid(r);
    static constexpr unsigned cmds[] = {XENMEM_populate_physmap, XENMEM_populate_physmap,
                                        XENMEM_decrease_reservation, XENMEM_decrease_reservation,
                                        XENMEM_increase_reservation};
    return make(reservation, __HYPERVISOR_memory_op, cmds[r.below(5)], res);
}

Call physmap_call(Cpu& c, Rng& r) {
    if (r.below(8) == 0) {
        auto* rm = arg<xen_remove_from_physmap_t>(c);
        rm->domid = DOMID_SELF;
        rm->gpfn = victim_gfn(r);
        return make(physmap, __HYPERVISOR_memory_op, XENMEM_remove_from_physmap, rm);
    }
    auto* x = arg<xen_add_to_physmap_t>(c);
    x->domid = r.below(16) ? DOMID_SELF : random_domid(r);
    x->gpfn = victim_gfn(r);
    switch (r.below(6)) {
    case 0: case 1: x->space = XENMAPSPACE_shared_info, x->idx = r.below(8) ? 0 : r.below(3); break;
    case 2: // grant frames 1.. (frame 0 stays at self_table_gfn), status frames too
        x->space = XENMAPSPACE_grant_table;
        x->idx = (r.below(2) ? XENMAPIDX_grant_table_status : 0) | (1 + r.below(4));
        if (r.below(8) == 0) x->idx = XENMAPIDX_grant_table_status; // status frame 0
        break;
    case 3: x->space = XENMAPSPACE_gmfn, x->idx = gfn_of(arena[r.below(nr_arena_pages)]); break;
    case 4: // both ranges inside the arena or above RAM
        x->space = XENMAPSPACE_gmfn_range, x->idx = gfn_of(arena[r.below(nr_arena_pages - 4)]);
        x->size = static_cast<uint16_t>(1 + r.below(4));
        x->gpfn = r.below(2) ? gfn_of(arena[r.below(nr_arena_pages - 4)]) : high_gfn + r.below(64);
        break;
    default: // any space, a range of at most one page
        x->space = static_cast<unsigned>(r.below(8)), x->idx = victim_gfn(r);
        x->size = static_cast<uint16_t>(r.below(2));
        break;
    }
    return make(physmap, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, x);
}

unsigned random_vcpu(Rng& r) { return static_cast<unsigned>(r.below(nr_cpus + 1)); }

Call vcpu_call(Cpu& c, Rng& r) {
    const unsigned target = random_vcpu(r);
    const unsigned ap = nr_cpus > 1 ? 1 + static_cast<unsigned>(r.below(nr_cpus - 1)) : 1;
    switch (r.below(12)) {
    case 0: {
        auto* v = arg<vcpu_register_vcpu_info_t>(c);
        v->mfn = victim_gfn(r);
        v->offset = static_cast<uint32_t>(r.below(4) ? r.below(4096 / 64) * 64 : r.below(4096));
        return Call{__HYPERVISOR_vcpu_op, {VCPUOP_register_vcpu_info, target, addr(v), 0, 0}, vcpu, false};
    }
    case 1: case 2: {
        auto* a = arg<vcpu_register_runstate_memory_area_t>(c);
        a->addr.p = r.below(8) ? arena_address(r, sizeof(vcpu_runstate_info_t)) : random_pointer(r, true);
        const unsigned cmd = r.below(2) ? VCPUOP_register_runstate_memory_area : VCPUOP_register_vcpu_time_memory_area;
        return Call{__HYPERVISOR_vcpu_op, {cmd, target, addr(a), 0, 0}, vcpu, false};
    }
    case 3: {
        auto* t = arg<vcpu_set_singleshot_timer_t>(c);
        t->timeout_abs_ns = xen_time::get_time() + r.below(10'000'000);
        t->flags = static_cast<uint32_t>(r.below(2));
        return Call{__HYPERVISOR_vcpu_op, {VCPUOP_set_singleshot_timer, this_cpu(), addr(t), 0, 0}, vcpu, false};
    }
    case 4: {
        auto* t = arg<vcpu_set_periodic_timer_t>(c);
        t->period_ns = r.below(4) ? 1'000'000 + r.below(100'000'000) : random_word(r);
        return Call{__HYPERVISOR_vcpu_op, {VCPUOP_set_periodic_timer, this_cpu(), addr(t), 0, 0}, vcpu, false};
    }
    case 5: {
        static constexpr unsigned stops[] = {VCPUOP_stop_singleshot_timer, VCPUOP_stop_periodic_timer, VCPUOP_is_up};
        return Call{__HYPERVISOR_vcpu_op, {stops[r.below(3)], r.below(4) ? this_cpu() : target, 0, 0, 0}, vcpu, false};
    }
    case 6: {
        auto* info = arg<vcpu_runstate_info_t>(c);
        return Call{__HYPERVISOR_vcpu_op, {VCPUOP_get_runstate_info, target, addr(info), 0, 0}, vcpu, false};
    }
    case 7: // an AP (never vCPU 0: with every vCPU down the domain powers off)
        if (nr_cpus < 2 || r.below(4)) break;
        return Call{__HYPERVISOR_vcpu_op, {VCPUOP_down, ap, 0, 0, 0}, vcpu, false};
    case 8: return Call{__HYPERVISOR_vcpu_op, {VCPUOP_up, target, 0, 0, 0}, vcpu, false};
    case 9: { // initialised already (-EEXIST) or absent (-ENOENT): the checks before the state
        auto* ctx = arg<vcpu_hvm_context_t>(c);
        auto* words = reinterpret_cast<uint64_t*>(ctx);
        for (unsigned i = 0; i < sizeof(*ctx) / 8; ++i) words[i] = random_word(r);
        ctx->mode = r.below(4) ? VCPU_HVM_MODE_64B : static_cast<uint32_t>(r.below(4));
        return Call{__HYPERVISOR_vcpu_op, {VCPUOP_initialise, target, addr(ctx), 0, 0}, vcpu, false};
    }
    default: break;
    }
    return Call{__HYPERVISOR_vcpu_op, {VCPUOP_is_up, target, 0, 0, 0}, vcpu, false};
}

// Upcall vectors stay clear of the exceptions and of the framework's own
// vectors (watchdog 0xef, call 0xf0): an upcall there would be the guest
// hurting itself.
uint8_t upcall_vector(Rng& r) { return static_cast<uint8_t>(0x30 + r.below(0xb0)); }

Call hvm_call(Cpu& c, Rng& r) {
    switch (r.below(5)) {
    case 0: case 1: {
        auto* p = arg<xen_hvm_param_t>(c);
        p->domid = r.below(16) ? DOMID_SELF : random_domid(r);
        p->index = static_cast<uint32_t>(r.below(8) ? r.below(40) : random_word(r));
        if (p->index == HVM_PARAM_CALLBACK_IRQ)
            p->value = r.below(2) ? (uint64_t{HVM_PARAM_CALLBACK_TYPE_VECTOR} << 56) | upcall_vector(r) : r.below(64);
        else
            p->value = random_word(r);
        return make(hvm, __HYPERVISOR_hvm_op, r.below(3) ? HVMOP_get_param : HVMOP_set_param, p);
    }
    case 2: {
        auto* u = arg<xen_hvm_evtchn_upcall_vector_t>(c);
        u->vcpu = random_vcpu(r);
        u->vector = r.below(8) ? upcall_vector(r) : static_cast<uint8_t>(r.below(0x10)); // Xen: -EINVAL
        return make(hvm, __HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, u);
    }
    case 3: return make(hvm, __HYPERVISOR_hvm_op, HVMOP_get_time, arg<xen_hvm_get_time_t>(c));
    default: {
        auto* d = arg<xen_hvm_pagetable_dying_t>(c);
        d->domid = DOMID_SELF;
        d->gpa = victim_gfn(r) << 12;
        return make(hvm, __HYPERVISOR_hvm_op, HVMOP_pagetable_dying, d);
    }
    }
}

// EVTCHNOP_reset_cont (14): public/event_channel.h defines it for Xen only.
constexpr unsigned evtchnop_reset_cont = 14;

Call fifo_call(Cpu& c, Rng& r) {
    switch (r.below(6)) {
    case 0: case 1: {
        auto* ic = arg<evtchn_init_control_t>(c);
        ic->control_gfn = victim_gfn(r);
        ic->offset = static_cast<uint32_t>(r.below(4) ? r.below(4096 / 64) * 64 : r.below(4096));
        ic->vcpu = random_vcpu(r);
        return make(fifo, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, ic);
    }
    case 2: case 3: {
        auto* e = arg<evtchn_expand_array_t>(c);
        e->array_gfn = victim_gfn(r);
        return make(fifo, __HYPERVISOR_event_channel_op, EVTCHNOP_expand_array, e);
    }
    default: {
        auto* rs = arg<evtchn_reset_t>(c);
        rs->dom = r.below(8) ? DOMID_SELF : random_domid(r);
        return make(fifo, __HYPERVISOR_event_channel_op, r.below(4) ? EVTCHNOP_reset : evtchnop_reset_cont, rs);
    }
    }
}

evtchn_port_t random_port(Rng& r) {
    switch (r.below(8)) {
    case 0: return static_cast<evtchn_port_t>(r.below(4200)); // past the 2-level limit, past 4095
    case 1: return static_cast<evtchn_port_t>(random_word(r));
    default: return static_cast<evtchn_port_t>(r.below(64));
    }
}

Call evtchn_call(Cpu& c, Rng& r) {
    constexpr unsigned op = __HYPERVISOR_event_channel_op;
    switch (r.below(12)) {
    case 0: case 1: {
        auto* a = arg<evtchn_alloc_unbound_t>(c);
        a->dom = r.below(8) ? DOMID_SELF : random_domid(r);
        a->remote_dom = random_domid(r);
        return make(evtchn, op, EVTCHNOP_alloc_unbound, a);
    }
    case 2: {
        auto* b = arg<evtchn_bind_interdomain_t>(c);
        b->remote_dom = random_domid(r);
        b->remote_port = random_port(r);
        return make(evtchn, op, EVTCHNOP_bind_interdomain, b);
    }
    case 3: {
        auto* b = arg<evtchn_bind_virq_t>(c);
        b->virq = static_cast<uint32_t>(r.below(8) ? r.below(NR_VIRQS) : random_word(r));
        b->vcpu = random_vcpu(r);
        return make(evtchn, op, EVTCHNOP_bind_virq, b);
    }
    case 4: {
        auto* b = arg<evtchn_bind_ipi_t>(c);
        b->vcpu = random_vcpu(r);
        return make(evtchn, op, EVTCHNOP_bind_ipi, b);
    }
    case 5: { auto* x = arg<evtchn_close_t>(c); x->port = random_port(r); return make(evtchn, op, EVTCHNOP_close, x); }
    case 6: { auto* x = arg<evtchn_send_t>(c); x->port = random_port(r); return make(evtchn, op, EVTCHNOP_send, x); }
    case 7: { auto* x = arg<evtchn_unmask_t>(c); x->port = random_port(r); return make(evtchn, op, EVTCHNOP_unmask, x); }
    case 8: {
        auto* x = arg<evtchn_bind_vcpu_t>(c);
        x->port = random_port(r);
        x->vcpu = random_vcpu(r);
        return make(evtchn, op, EVTCHNOP_bind_vcpu, x);
    }
    case 9: {
        auto* x = arg<evtchn_set_priority_t>(c);
        x->port = random_port(r);
        x->priority = static_cast<uint32_t>(r.below(20));
        return make(evtchn, op, EVTCHNOP_set_priority, x);
    }
    case 10: {
        auto* s = arg<evtchn_status_t>(c);
        s->dom = r.below(4) ? DOMID_SELF : random_domid(r);
        s->port = random_port(r);
        return make(evtchn, op, EVTCHNOP_status, s);
    }
    default: { // SCHEDOP_poll: always with a near deadline
        auto* p = arg<sched_poll_t>(c);
        auto* ports = reinterpret_cast<evtchn_port_t*>(c.args + 4096);
        const unsigned n = 1 + static_cast<unsigned>(r.below(4));
        for (unsigned i = 0; i < n; ++i) ports[i] = random_port(r);
        set_xen_guest_handle(p->ports, ports);
        p->nr_ports = n;
        p->timeout = xen_time::get_time() + 1 + r.below(1'000'000);
        return make(evtchn, __HYPERVISOR_sched_op, SCHEDOP_poll, p);
    }
    }
}

// Grant batches: host mappings land on the map area or a victim gfn, copies
// touch grant_pages, peer_pages or victims, never anything else we own.
void random_copy_side(Rng& r, gnttab_copy_t::gnttab_copy_ptr& side, bool gref) {
    if (gref) side.u.ref = random_ref(r);
    else side.u.gmfn = r.below(8) ? gfn_of(grant_pages[r.below(nr_grant_pages)]) : victim_gfn(r);
    side.domid = gref ? random_domid(r) : (r.below(8) ? DOMID_SELF : random_domid(r));
    side.offset = static_cast<uint16_t>(r.below(4) ? r.below(4096) : r.next());
}

Call grant_batch(Cpu& c, Rng& r, OpClass cls, unsigned kind, domid_t only_dom) {
    Call call{__HYPERVISOR_grant_table_op, {0, addr(c.args), 0, 0, 0}, cls, true};
    const unsigned n = 1 + static_cast<unsigned>(r.below(16));
    memset(c.args, 0, 16 * sizeof(gnttab_copy_t));
    call.a[2] = n;
    switch (kind) {
    case 0: {
        call.a[0] = GNTTABOP_map_grant_ref;
        auto* ops = reinterpret_cast<gnttab_map_grant_ref_t*>(c.args);
        for (unsigned i = 0; i < n; ++i) {
            ops[i].host_addr = random_map_addr(r);
            ops[i].flags = r.below(8) ? GNTMAP_host_map | (r.below(2) ? GNTMAP_readonly : 0)
                                      : static_cast<uint32_t>(r.below(32));
            if (only_dom != DOMID_INVALID) {
                ops[i].ref = first_peer_ref + static_cast<uint32_t>(r.below(nr_grant_pages));
                ops[i].dom = only_dom;
            } else {
                ops[i].ref = random_ref(r);
                ops[i].dom = random_domid(r);
            }
        }
        break;
    }
    case 1: {
        call.a[0] = GNTTABOP_unmap_grant_ref;
        auto* ops = reinterpret_cast<gnttab_unmap_grant_ref_t*>(c.args);
        for (unsigned i = 0; i < n; ++i) {
            ops[i].host_addr = r.below(8) ? random_map_addr(r) : 0;
            ops[i].handle = static_cast<grant_handle_t>(r.below(4) ? r.below(64) : r.next());
        }
        break;
    }
    case 2: {
        call.a[0] = GNTTABOP_copy;
        auto* ops = reinterpret_cast<gnttab_copy_t*>(c.args);
        for (unsigned i = 0; i < n; ++i) {
            ops[i].flags = static_cast<uint16_t>(r.below(4) ? r.below(4) : r.next()); // source_gref, dest_gref
            random_copy_side(r, ops[i].source, ops[i].flags & GNTCOPY_source_gref);
            random_copy_side(r, ops[i].dest, ops[i].flags & GNTCOPY_dest_gref);
            ops[i].len = static_cast<uint16_t>(r.below(4) ? r.below(4097) : r.next());
        }
        break;
    }
    default: {
        call.a[0] = GNTTABOP_swap_grant_ref;
        auto* ops = reinterpret_cast<gnttab_swap_grant_ref_t*>(c.args);
        for (unsigned i = 0; i < n; ++i) {
            ops[i].ref_a = random_ref(r);
            ops[i].ref_b = random_ref(r);
        }
        break;
    }
    }
    return call;
}

Call grant_call(Cpu& c, Rng& r) {
    if (r.below(4)) return grant_batch(c, r, grant, static_cast<unsigned>(r.below(4)), DOMID_INVALID);
    switch (r.below(4)) {
    case 0: {
        auto* s = arg<gnttab_setup_table_t>(c);
        s->dom = r.below(4) ? DOMID_SELF : random_domid(r);
        s->nr_frames = static_cast<uint32_t>(r.below(8) ? 1 + r.below(8) : random_word(r));
        set_xen_guest_handle(s->frame_list, reinterpret_cast<xen_pfn_t*>(c.args + 4096));
        return Call{__HYPERVISOR_grant_table_op, {GNTTABOP_setup_table, addr(s), 1, 0, 0}, grant, false};
    }
    case 1: {
        auto* s = arg<gnttab_get_status_frames_t>(c);
        s->dom = r.below(4) ? DOMID_SELF : random_domid(r);
        s->nr_frames = static_cast<uint32_t>(r.below(8) ? 1 + r.below(4) : random_word(r));
        set_xen_guest_handle(s->frame_list, reinterpret_cast<uint64_t*>(c.args + 4096));
        return Call{__HYPERVISOR_grant_table_op, {GNTTABOP_get_status_frames, addr(s), 1, 0, 0}, grant, false};
    }
    case 2: {
        // set_version clears the table: only vCPU 0, which rewrites our grants.
        auto* s = arg<gnttab_set_version_t>(c);
        s->version = this_cpu() == 0 && r.below(4) == 0 ? 1 + static_cast<uint32_t>(r.below(2)) : 0;
        return Call{__HYPERVISOR_grant_table_op, {GNTTABOP_set_version, addr(s), 1, 0, 0}, grant, false};
    }
    default: {
        auto* q = arg<gnttab_query_size_t>(c);
        q->dom = random_domid(r);
        return Call{__HYPERVISOR_grant_table_op, {GNTTABOP_query_size, addr(q), 1, 0, 0}, grant, false};
    }
    }
}

// The other attacker: map its grants, unmap them again, bind the ports it
// offers us and offer it ours.
Call peer_call(Cpu& c, Rng& r) {
    switch (r.below(6)) {
    case 0: case 1: return grant_batch(c, r, peer, 0, peer_domid);
    case 2: return grant_batch(c, r, peer, 1, peer_domid);
    case 3: {
        auto* a = arg<evtchn_alloc_unbound_t>(c);
        a->dom = DOMID_SELF;
        a->remote_dom = peer_domid;
        return make(peer, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, a);
    }
    default: {
        auto* b = arg<evtchn_bind_interdomain_t>(c);
        b->remote_dom = peer_domid;
        b->remote_port = static_cast<evtchn_port_t>(1 + r.below(64));
        return make(peer, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, b);
    }
    }
}

Call random_call(Rng& r) {
    Call c{};
    c.cls = random_op;
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
    // multicall's first argument is its list, whose entries are any calls
    // with any arguments: only ever a list the hypervisor cannot read.
    if (c.nr == __HYPERVISOR_multicall) c.a[0] = random_pointer(r, false);
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


/// The classes this run draws from (hostile.classes=name,name...; all by default).
unsigned class_mask = ~0u;

unsigned parse_classes(const char* s) {
    if (!s || !*s) return ~0u;
    unsigned mask = 0;
    while (*s) {
        const char* end = s;
        while (*end && *end != ',') ++end;
        for (unsigned i = 0; i < nr_classes; ++i)
            if (strlen(class_names[i]) == static_cast<size_t>(end - s) && memcmp(class_names[i], s, end - s) == 0)
                mask |= 1u << i;
        s = *end ? end + 1 : end;
    }
    return mask;
}

Call structured_call(Cpu& c, Rng& r);

/// One call: six in ten structured, the rest random (within class_mask).
Call next_call(Cpu& c, Rng& r) {
    const unsigned structured = class_mask & ((1u << random_op) - 1);
    if (!(class_mask & (1u << random_op)) || (structured && r.below(10) < 6)) return structured_call(c, r);
    return random_call(r);
}

Call structured_call(Cpu& c, Rng& r) {
    unsigned pick;
    do pick = static_cast<unsigned>(r.below(peer_domid != DOMID_INVALID ? 8 : 7));
    while (!(class_mask & (1u << pick)) || (pick == grant && !grants_ready));
    switch (pick) {
    case 0: return reservation_call(c, r);
    case 1: return physmap_call(c, r);
    case 2: return vcpu_call(c, r);
    case 3: return hvm_call(c, r);
    case 4: return fifo_call(c, r);
    case 5: return evtchn_call(c, r);
    case 6: return grant_call(c, r);
    default: return peer_call(c, r);
    }
}

/// Elements of a grant batch that succeeded; counts them by op for the
/// report and returns how many.
unsigned tally_grant_batch(Cpu& c, const Call& call) {
    const unsigned n = static_cast<unsigned>(call.a[2]);
    unsigned okay = 0;
    for (unsigned i = 0; i < n; ++i) {
        int16_t st;
        unsigned k;
        switch (call.a[0]) {
        case GNTTABOP_map_grant_ref: k = 0, st = reinterpret_cast<gnttab_map_grant_ref_t*>(c.args)[i].status; break;
        case GNTTABOP_unmap_grant_ref: k = 1, st = reinterpret_cast<gnttab_unmap_grant_ref_t*>(c.args)[i].status; break;
        case GNTTABOP_copy: k = 2, st = reinterpret_cast<gnttab_copy_t*>(c.args)[i].status; break;
        default: k = 3, st = reinterpret_cast<gnttab_swap_grant_ref_t*>(c.args)[i].status; break;
        }
        ++c.grant_tried[k];
        c.grant_okay[k] += st == GNTST_okay;
        okay += st == GNTST_okay;
    }
    return okay;
}

// Random CONSOLEIO_writes leave a partial line in the hypervisor's per-domain
// line buffer; end it so that our own report lines start clean.
void end_raw_line() { (void)HYPERVISOR_console_io(CONSOLEIO_write, 1, "\n"); }

void print_call(unsigned cpu, uint64_t i, const Call& c) {
    end_raw_line();
    printf("  cpu%u #%lu: %s hypercall %u (%#lx, %#lx, %#lx, %#lx, %#lx)", cpu, i, class_names[c.cls], c.nr,
           c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
    // A structured call's argument struct (in a[1], or a[2] for vcpu_op):
    // its first words, which a replay needs.
    const uint64_t base = addr(cpus[cpu].args);
    for (unsigned k = 1; k <= 2; ++k)
        if (c.a[k] >= base && c.a[k] < base + 4096) {
            const auto* w = reinterpret_cast<const uint64_t*>(c.a[k]);
            printf(" {%#lx %#lx %#lx %#lx}", w[0], w[1], w[2], w[3]);
            const auto* list = reinterpret_cast<const uint64_t*>(cpus[cpu].args + 4096);
            if (c.cls == reservation) printf(" extents {%#lx %#lx ...}", list[0], list[1]);
            break;
        }
    printf("\n");
}

[[noreturn]] void die() {
    end_raw_line();
    printf("  dying now (hostile.die=%s) after %lu hypercalls of cpu0\n", die_crash ? "crash" : "poweroff", die_at);
    sched_shutdown s{die_crash ? unsigned{SHUTDOWN_crash} : unsigned{SHUTDOWN_poweroff}};
    for (;;) (void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
}

/// vCPU 0 brings back every AP a fuzzed VCPUOP_down stopped.
unsigned revived;
void revive_aps() {
    for (unsigned ap = 1; ap < nr_cpus; ++ap)
        if (!cpus[ap].finished && HYPERVISOR_vcpu_op(VCPUOP_is_up, ap, nullptr) == 0 &&
            HYPERVISOR_vcpu_op(VCPUOP_up, ap, nullptr) == 0)
            ++revived;
}

void fuzz(unsigned cpu) {
    Cpu& c = cpus[cpu];
    Rng& r = c.rng;
    for (c.done = 0; c.done < iterations; ++c.done) {
        if (cpu == 0) {
            if (c.done == die_at) die();
            if (c.done % 64 == 0) revive_aps();
            if (c.done % progress_every == 0 && c.done < trace_from) {
                uint64_t all = 0;
                for (unsigned k = 0; k < nr_cpus; ++k) all += cpus[k].done;
                end_raw_line();
                printf("  #%lu on cpu0, %lu on all vCPUs, %lu ns\n", c.done, all, xen_time::get_time() - start_ns);
            }
        }
        const Call call = next_call(c, r);
        c.last = call;
        if (c.done >= trace_from) print_call(cpu, c.done, call);
        const long rc = hypercall(call.nr, call.a[0], call.a[1], call.a[2], call.a[3], call.a[4]);
        ++c.class_tried[call.cls];
        bool success = rc >= 0;
        if (call.batch) success = rc == 0 && tally_grant_batch(c, call) > 0;
        else if (call.cls == reservation) success = rc > 0; // extents done
        c.class_ok[call.cls] += success;
        if (call.cls == grant && call.a[0] == GNTTABOP_set_version && rc == 0 && cpu == 0)
            write_grants(reinterpret_cast<gnttab_set_version_t*>(call.a[1])->version);
        if (rc >= 0) ++c.ok;
        else if (rc == -static_cast<long>(cxen::Errno::XEN_ENOSYS)) ++c.enosys;
        else if (rc >= -4095) ++c.other_err;
        else if (c.odd++ == 0) c.first_odd = call, c.first_odd_rc = rc; // not an errno
    }
    c.finished = true;
}

} // namespace

TEST_CASE("hostile.random_hypercalls") {
    SKIP_UNLESS_XEN();
    const uint64_t seed = option_u64("hostile.seed", rdtsc() | 1);
    iterations = option_u64("hostile.iterations", default_iterations);
    trace_from = option_u64("hostile.trace", ~uint64_t{0});
    die_at = option_u64("hostile.die_at", ~uint64_t{0});
    die_crash = !option("hostile.die") || !streq(option("hostile.die"), "poweroff");
    self_domid = static_cast<domid_t>(x86::cpuid(xen().cpuid_base + 4).ecx);
    peer_domid = static_cast<domid_t>(option_u64("hostile.peer", DOMID_INVALID));
    class_mask = parse_classes(option("hostile.classes"));
    if (!(class_mask & ((1u << random_op) - 1) & ~(peer_domid == DOMID_INVALID ? 1u << peer : 0u)))
        class_mask |= 1u << random_op; // nothing structured left to draw
    nr_cpus = nr_vcpus() < max_guest_cpus ? nr_vcpus() : max_guest_cpus;
    if (nr_cpus == 0) nr_cpus = 1;
    printf("  seed %lu, %lu hypercalls on each of %u vCPUs, peer %d (replay: hostile.seed=%lu)\n", seed,
           iterations, nr_cpus, peer_domid == DOMID_INVALID ? -1 : int{peer_domid}, seed);
    (void)hvm_get_param(HVM_PARAM_CONSOLE_PFN, console_gfn);
    (void)hvm_get_param(HVM_PARAM_STORE_PFN, store_gfn);
    set_up_grants();
    for (unsigned k = 0; k < nr_cpus; ++k) cpus[k].rng.s = (seed + k) | 1;
    irq_init();
    for (unsigned ap = 1; ap < nr_cpus; ++ap) {
        const long rc = start_ap_vcpuop(ap, ApMode::hvm64);
        CHECK_EQ(rc, 0l);
        if (rc) nr_cpus = ap; // fuzz with the ones that came up
    }
    const uint64_t t0 = start_ns = xen_time::get_time();
    for (unsigned ap = 1; ap < nr_cpus; ++ap) (void)run_on(ap, fuzz, false);
    fuzz(0);
    // Wait for the APs, bringing back any that went down meanwhile: four
    // times as long as vCPU 0 took, at least a minute (they make as many calls).
    const uint64_t bsp_ms = (xen_time::get_time() - t0) / 1'000'000;
    const bool all_done = spin_until(
        [] {
            revive_aps();
            for (unsigned k = 0; k < nr_cpus; ++k)
                if (!cpus[k].finished) return false;
            return true;
        },
        static_cast<unsigned>(bsp_ms * 4 > 60'000 ? bsp_ms * 4 : 60'000));
    const uint64_t elapsed_ns = xen_time::get_time() - t0;
    CHECK(all_done);
    for (unsigned k = 1; k < nr_cpus; ++k) {
        if (cpus[k].finished) continue;
        vcpu_runstate_info_t rs{};
        (void)HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, k, &rs);
        printf("  cpu%u stuck after %lu calls: is_up %ld, runstate %d\n", k, cpus[k].done,
               HYPERVISOR_vcpu_op(VCPUOP_is_up, k, nullptr), rs.state);
        print_call(k, cpus[k].done, cpus[k].last);
    }
    unsigned ok = 0, enosys = 0, other_err = 0, odd = 0, class_ok[nr_classes] = {}, class_tried[nr_classes] = {};
    unsigned gok[4] = {}, gtried[4] = {};
    uint64_t calls = 0;
    for (unsigned k = 0; k < nr_cpus; ++k) {
        const Cpu& c = cpus[k];
        calls += c.done, ok += c.ok, enosys += c.enosys, other_err += c.other_err, odd += c.odd;
        for (unsigned i = 0; i < nr_classes; ++i) class_ok[i] += c.class_ok[i], class_tried[i] += c.class_tried[i];
        for (unsigned i = 0; i < 4; ++i) gok[i] += c.grant_okay[i], gtried[i] += c.grant_tried[i];
        if (c.odd)
            printf("  cpu%u: %u odd returns, first %ld from hypercall %u (%#lx, %#lx, %#lx, %#lx, %#lx)\n", k, c.odd,
                   c.first_odd_rc, c.first_odd.nr, c.first_odd.a[0], c.first_odd.a[1], c.first_odd.a[2],
                   c.first_odd.a[3], c.first_odd.a[4]);
    }
    end_raw_line();
    printf("  results: %u ok, %u -ENOSYS, %u other errors, %u odd\n", ok, enosys, other_err, odd);
    printf("  ok by class:");
    for (unsigned i = 0; i < nr_classes; ++i) printf(" %s %u/%u", class_names[i], class_ok[i], class_tried[i]);
    printf("\n  grant elements okay: map %u/%u, unmap %u/%u, copy %u/%u, swap %u/%u\n", gok[0], gtried[0], gok[1],
           gtried[1], gok[2], gtried[2], gok[3], gtried[3]);
    printf("  vCPUs brought back after VCPUOP_down: %u\n", revived);
    printf("BENCH hostile_hypercalls calls=%lu ns=%lu vcpus=%u\n", calls, elapsed_ns, nr_cpus);
    CHECK_EQ(odd, 0u);
    if (class_mask & (1u << random_op)) CHECK_GT(enosys + other_err, 0u);
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
