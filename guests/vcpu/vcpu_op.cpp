// vcpu_op from inside a PVH domU (config: vcpus = 2, only vCPU 0 started):
// is_up, runstate areas, get_runstate_info, register_vcpu_info. Source:
// public/vcpu.h, Xen 4.17 do_vcpu_op()/map_vcpu_info() (common/domain.c)
// and hvm_vcpu_op()'s list of allowed sub-ops (arch/x86/hvm/hypercall.c).
#include "guest.hpp"
#include "../time/xen_time.hpp"

using namespace cxen::guest;

namespace {
constexpr uint64_t ms = 1'000'000;

alignas(64) vcpu_runstate_info runstate0;
alignas(4096) uint8_t vcpu_info_page[2][4096];

long HYPERVISOR_vm_assist_raw(unsigned cmd, unsigned type) {
    return hypercall2(__HYPERVISOR_vm_assist, cmd, type);
}

long register_vcpu_info(unsigned vcpu, const void* page, uint32_t offset) {
    vcpu_register_vcpu_info info{};
    info.mfn = reinterpret_cast<uintptr_t>(page) >> 12;
    info.offset = offset;
    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &info);
}
} // namespace

TEST_CASE("vcpu.is_up") {
    SKIP_UNLESS_XEN();
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, nullptr), 1);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, nullptr), 0); // never started
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_is_up, 2, nullptr), ENOENT);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_is_up, 4096, nullptr), ENOENT);
}

TEST_CASE("vcpu.unknown_sub_op") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_get_physid, 0, nullptr), ENOSYS); // PV only
    CHECK_ERRNO(HYPERVISOR_vcpu_op(99, 0, nullptr), ENOSYS);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(99, 4096, nullptr), ENOSYS); // the sub-op is checked first
}

TEST_CASE("vcpu.runstate_area_tracks_running_time") {
    SKIP_UNLESS_XEN();
    memset(&runstate0, 0xff, sizeof(runstate0));
    vcpu_register_runstate_memory_area area{};
    area.addr.v = &runstate0;
    REQUIRE_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area));
    const volatile vcpu_runstate_info& r = runstate0;
    CHECK_EQ(r.state, RUNSTATE_running);
    CHECK_EQ(r.state_entry_time & XEN_RUNSTATE_UPDATE, 0u);
    const uint64_t entry0 = r.state_entry_time;
    // The area is rewritten each time this vCPU is scheduled in. Spinning
    // across slices is not enough on its own: when the emulating host thread
    // is descheduled, 40 ms of TSC time can pass without the guest running
    // long enough for the slice interrupt to be taken. SCHEDOP_yield forces
    // a switch out and back in.
    xen_time::spin_ns(5 * ms);
    CHECK_OK(HYPERVISOR_sched_op(SCHEDOP_yield, nullptr));
    CHECK_EQ(r.state, RUNSTATE_running);
    CHECK_GT(r.state_entry_time, entry0);
    CHECK_EQ(r.state_entry_time & XEN_RUNSTATE_UPDATE, 0u);
    CHECK_LE(r.state_entry_time, xen_time::get_time());
    // Time in all states adds up to at most the time since boot.
    uint64_t total = 0;
    for (int i = 0; i < 4; ++i) total += r.time[i];
    CHECK_LE(total, r.state_entry_time);
}

TEST_CASE("vcpu.get_runstate_info") {
    SKIP_UNLESS_XEN();
    vcpu_runstate_info info;
    memset(&info, 0xff, sizeof(info));
    REQUIRE_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &info));
    CHECK_EQ(info.state, RUNSTATE_running);
    CHECK_GT(info.time[RUNSTATE_running], 0u);
    REQUIRE_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 1, &info));
    CHECK_EQ(info.state, RUNSTATE_offline);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, unmapped_pointer()), EFAULT);
}

TEST_CASE("vcpu.runstate_area_bad_addresses") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, unmapped_pointer()), EFAULT);
    // An unmapped area is accepted (Xen checks nothing for translated
    // guests and ignores failed writes); then a good one takes over again.
    vcpu_register_runstate_memory_area area{};
    area.addr.v = unmapped_pointer<vcpu_runstate_info>();
    CHECK_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area));
    area.addr.v = &runstate0;
    CHECK_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area));
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 2, &area), ENOENT);
}

TEST_CASE("vcpu.runstate_update_flag_never_left_set") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_vm_assist_raw(VMASST_CMD_enable, VMASST_TYPE_4gb_segments), EINVAL); // PV only
    CHECK_ERRNO(HYPERVISOR_vm_assist_raw(7, VMASST_TYPE_runstate_update_flag), ENOSYS);     // no such command
    REQUIRE_OK(HYPERVISOR_vm_assist_raw(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag));
    vcpu_register_runstate_memory_area area{};
    area.addr.v = &runstate0;
    REQUIRE_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area));
    // The flag is set only while the hypervisor rewrites the area, which it
    // does while this vCPU is not running: running code never sees it.
    const volatile vcpu_runstate_info& r = runstate0;
    unsigned seen = 0;
    const uint64_t end = xen_time::get_time() + 30 * ms;
    while (xen_time::get_time() < end)
        if (r.state_entry_time & XEN_RUNSTATE_UPDATE) ++seen;
    CHECK_EQ(seen, 0u);
    CHECK_EQ(r.state, RUNSTATE_running);
}

TEST_CASE("vcpu.register_vcpu_info_bad_arguments") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(register_vcpu_info(0, vcpu_info_page[0], 4), EINVAL);          // not 8-byte aligned
    CHECK_ERRNO(register_vcpu_info(0, vcpu_info_page[0], 4096 - 32), EINVAL);  // straddles the page
    CHECK_ERRNO(register_vcpu_info(0, reinterpret_cast<void*>(uint64_t{1} << 31), 0), EINVAL); // not RAM
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(register_vcpu_info(2, vcpu_info_page[0], 0), ENOENT);
}

// Last: from here on vCPU 0's vcpu_info lives in this kernel's page.
TEST_CASE("vcpu.register_vcpu_info_moves_it") {
    SKIP_UNLESS_XEN();
    shared_info* si = xen_time::map_shared_info();
    REQUIRE(si != nullptr);
    memset(vcpu_info_page[0], 0xee, sizeof(vcpu_info_page[0]));
    REQUIRE_OK(register_vcpu_info(0, vcpu_info_page[0], 128));
    const volatile vcpu_info& vi = *reinterpret_cast<vcpu_info*>(vcpu_info_page[0] + 128);
    // The old contents were copied, then everything marked pending.
    CHECK_EQ(vi.evtchn_pending_sel, ~0ul);
    CHECK_EQ(vi.evtchn_upcall_pending, 1);
    CHECK_EQ(vi.time.version % 2, 0u);
    CHECK_NE(vi.time.tsc_to_system_mul, 0u);
    // Xen's time lies between two reads of the new copy (give or take 0.2 ms).
    const uint64_t a = xen_time::pvclock_read(vi.time), x = xen_time::get_time(),
                   b = xen_time::pvclock_read(vi.time);
    CHECK_LT(a, x + 200'000);
    CHECK_LT(x, b + 200'000);
    CHECK_EQ(vcpu_info_page[0][127], 0xee); // nothing before the struct was touched
    CHECK_EQ(vcpu_info_page[0][128 + 64], 0xee); // nor after it
    // The pvclock moves with it: the new copy is refreshed, not the old one.
    xen_time::spin_ns(30 * ms);
    CHECK_GT(vi.time.system_time, si->vcpu_info[0].time.system_time);
    // Only once per vCPU.
    CHECK_ERRNO(register_vcpu_info(0, vcpu_info_page[1], 0), EINVAL);
    // An offline vCPU may be given its area by another one.
    CHECK_OK(register_vcpu_info(1, vcpu_info_page[1], 0));
}

// Last, after register_vcpu_info_moves_it: the page holding vCPU 0's
// vcpu_info is displaced by a grant mapping of another page of ours (issue
// 10, finding 2). As Xen keeps a mapped vcpu_info page referenced, the RAM
// stays allocated while the hypervisor writes into it. Before the fix cxen
// freed it on the spot and kept writing the pvclock into it, so the page
// populated next got that frame and the hypervisor's writes appeared in it.
// The grant mapping stays: the guest keeps reading "vcpu_info" there.
TEST_CASE("vcpu.grant_map_over_vcpu_info_keeps_its_frame") {
    SKIP_UNLESS_XEN();
    constexpr uint64_t table_gfn = 0x80000, fresh_gfn = 0x80010; // below 4 GiB, outside RAM
    alignas(4096) static uint8_t granted[4096];
    const auto self = static_cast<domid_t>(x86::cpuid(xen().cpuid_base + 4).ecx);
    xen_add_to_physmap_t x{};
    x.domid = DOMID_SELF;
    x.space = XENMAPSPACE_grant_table;
    x.idx = 0;
    x.gpfn = table_gfn;
    REQUIRE_OK(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x));
    auto* e = reinterpret_cast<volatile grant_entry_v1_t*>(table_gfn << 12);
    memcpy(granted, vcpu_info_page[0], sizeof(granted)); // what the guest sees there stays sane
    e[20].domid = self;
    e[20].frame = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(granted) >> 12);
    e[20].flags = GTF_permit_access;
    gnttab_map_grant_ref_t op{};
    op.host_addr = reinterpret_cast<uintptr_t>(vcpu_info_page[0]);
    op.flags = GNTMAP_host_map;
    op.ref = 20;
    op.dom = self;
    REQUIRE_OK(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1));
    REQUIRE_EQ(op.status, GNTST_okay);
    // A fresh page, then time for the hypervisor to refresh vCPU 0's pvclock.
    xen_pfn_t list[1] = {fresh_gfn};
    xen_memory_reservation r{};
    set_xen_guest_handle(r.extent_start, list);
    r.nr_extents = 1;
    r.domid = DOMID_SELF;
    REQUIRE_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 1);
    for (int i = 0; i < 5; ++i) {
        xen_time::spin_ns(5 * ms);
        CHECK_OK(HYPERVISOR_sched_op(SCHEDOP_yield, nullptr));
    }
    const auto* fresh = reinterpret_cast<const volatile uint8_t*>(fresh_gfn << 12);
    unsigned nonzero = 0;
    for (unsigned i = 0; i < 4096; ++i) nonzero += fresh[i] != 0;
    CHECK_EQ(nonzero, 0u); // nobody but us writes a page we were just given
}
