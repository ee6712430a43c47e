// vcpu_op and hvm_op through their hypercall shells, against the host fakes
// (guest memory = fake_guest_memory(), guest-virtual == guest-physical).
#include "common/hypercall/hypercall.hpp"

#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "arch/time.hpp"
#include "arch/vcpu.hpp"
#include "common/time/timer.hpp"
#include "common/time/vcpu_timer.hpp"

namespace {
long neg(cxen::Errno e) { return -static_cast<long>(e); }
const long einval = neg(cxen::Errno::XEN_EINVAL), efault = neg(cxen::Errno::XEN_EFAULT),
           enosys = neg(cxen::Errno::XEN_ENOSYS), enoent = neg(cxen::Errno::XEN_ENOENT),
           etime = neg(cxen::Errno::XEN_ETIME), eperm = neg(cxen::Errno::XEN_EPERM),
           esrch = neg(cxen::Errno::XEN_ESRCH), enodev = neg(cxen::Errno::XEN_ENODEV);
} // namespace

#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>

using namespace cxen;

namespace {

constexpr uint64_t args_gva = 0x1000;

struct VcpuOpTest : ::testing::Test {
    Domain d;
    Vcpu v0, v1;
    void* si_page = nullptr;
    void SetUp() override {
        arch::fake_guest_memory().assign(0x10000, 0);
        arch::fake_now_ns = 1'000'000;
        si_page = std::aligned_alloc(4096, 4096);
        std::memset(si_page, 0, 4096);
        d.shared_info = static_cast<::shared_info*>(si_page);
        d.max_vcpus = 2;
        d.vcpus[0] = &v0;
        d.vcpus[1] = &v1;
        for (Vcpu* v : {&v0, &v1}) {
            v->domain = &d;
            v->vcpu_info = &d.shared_info->vcpu_info[v == &v0 ? 0 : 1];
        }
        v0.vcpu_id = 0;
        v1.vcpu_id = 1;
        v0.state = VcpuState::running;
    }
    void TearDown() override {
        vcpu_timers_destroy(v0);
        vcpu_timers_destroy(v1);
        std::free(si_page);
    }
    template <typename T> void put(uint64_t gva, const T& t) {
        std::memcpy(arch::fake_guest_memory().data() + gva, &t, sizeof(t));
    }
    template <typename T> T get(uint64_t gva) {
        T t;
        std::memcpy(&t, arch::fake_guest_memory().data() + gva, sizeof(t));
        return t;
    }
    long vcpu_op(int cmd, unsigned vcpu, uint64_t arg = args_gva) {
        return do_vcpu_op(v0, HypercallArgs{{static_cast<uint64_t>(cmd), vcpu, arg, 0, 0}});
    }
    long hvm_op(uint64_t op, uint64_t arg = args_gva) { return do_hvm_op(v0, HypercallArgs{{op, arg, 0, 0, 0}}); }
    long param(uint64_t op, uint32_t index, uint64_t value = 0, domid_t domid = DOMID_SELF) {
        xen_hvm_param p{};
        p.domid = domid;
        p.index = index;
        p.value = value;
        put(args_gva, p);
        return hvm_op(op);
    }
};

TEST_F(VcpuOpTest, IsUpFollowsTheArchDownFlag) {
    v1.down = true; // never started (the arch code's VPF_down)
    EXPECT_EQ(vcpu_op(VCPUOP_is_up, 0), 1);
    EXPECT_EQ(vcpu_op(VCPUOP_is_up, 1), 0);
    EXPECT_EQ(vcpu_op(VCPUOP_is_up, 2), enoent);
}

TEST_F(VcpuOpTest, SubOpOutsideTheHvmListIsENOSYSEvenForABadVcpu) {
    EXPECT_EQ(vcpu_op(VCPUOP_get_physid, 0), enosys);
    EXPECT_EQ(vcpu_op(99, 77), enosys);
}

// No pCPU timer queue exists in these tests (timers_init_cpu() would take
// heap memory that outlives the test), so arming reports set_timer()'s
// -ENODEV: the error travels back unchanged. The checks before it are Xen's.
TEST_F(VcpuOpTest, SingleshotIsOnlyForTheCallingVcpu) {
    vcpu_set_singleshot_timer t{};
    t.timeout_abs_ns = 5'000'000;
    put(args_gva, t);
    EXPECT_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 1), einval);
    EXPECT_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0), enodev);
    EXPECT_EQ(vcpu_op(VCPUOP_stop_singleshot_timer, 1), einval);
    EXPECT_EQ(vcpu_op(VCPUOP_stop_singleshot_timer, 0), 0);
    EXPECT_FALSE(timer_is_active(v0.singleshot_timer));
}

TEST_F(VcpuOpTest, SingleshotFutureFlagWithPastDeadlineIsETIME) {
    vcpu_set_singleshot_timer t{};
    t.timeout_abs_ns = 999'999; // fake now is 1'000'000
    t.flags = VCPU_SSHOTTMR_future;
    put(args_gva, t);
    EXPECT_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0), etime);
    t.flags = 0; // Linux: a past deadline is accepted (and fires at once)
    put(args_gva, t);
    EXPECT_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0), enodev);
    EXPECT_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0, 0x100000), efault);
}

TEST_F(VcpuOpTest, PeriodicTimerRejectsLessThanOneMillisecond) {
    vcpu_set_periodic_timer p{};
    p.period_ns = 999'999;
    put(args_gva, p);
    EXPECT_EQ(vcpu_op(VCPUOP_set_periodic_timer, 0), einval);
    p.period_ns = 1'000'000;
    put(args_gva, p);
    EXPECT_EQ(vcpu_op(VCPUOP_set_periodic_timer, 0), enodev);
    EXPECT_EQ(vcpu_op(VCPUOP_stop_periodic_timer, 0), 0);
    EXPECT_FALSE(timer_is_active(v0.periodic_timer));
}

TEST_F(VcpuOpTest, RegisterVcpuInfoValidatesPlacement) {
    vcpu_register_vcpu_info info{};
    info.mfn = 5;
    info.offset = 4; // not aligned to alignof(vcpu_info) == 8
    put(args_gva, info);
    EXPECT_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0), einval);
    info.offset = 4096 - 32; // would straddle the page
    put(args_gva, info);
    EXPECT_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0), einval);
    info.offset = 0;
    info.mfn = 0x1000; // beyond the guest's memory: not RAM
    put(args_gva, info);
    EXPECT_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0), einval);
    EXPECT_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, 0x100000), efault);
    info.mfn = 5;
    put(args_gva, info);
    EXPECT_EQ(vcpu_op(VCPUOP_register_vcpu_info, 3), enoent);
}

TEST_F(VcpuOpTest, RegisterVcpuInfoCopiesMarksPendingAndRefreshesTime) {
    d.shared_info->vcpu_info[0].arch.cr2 = 0x1234;
    const unsigned upcalls = arch::fake_upcalls;
    vcpu_register_vcpu_info info{};
    info.mfn = 5;
    info.offset = 64;
    put(args_gva, info);
    ASSERT_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0), 0);
    const vcpu_info vi = get<vcpu_info>(5 * 4096 + 64);
    EXPECT_EQ(vi.arch.cr2, 0x1234u);
    EXPECT_EQ(vi.evtchn_pending_sel, ~0ul);
    EXPECT_EQ(vi.evtchn_upcall_pending, 1);
    EXPECT_EQ(vi.time.version % 2, 0u);
    EXPECT_NE(vi.time.tsc_to_system_mul, 0u);
    EXPECT_EQ(arch::fake_upcalls, upcalls + 1);
    // Once only; a vCPU that is down may be set up by another.
    v1.down = true;
    EXPECT_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0), einval);
    info.offset = 128;
    put(args_gva, info);
    EXPECT_EQ(vcpu_op(VCPUOP_register_vcpu_info, 1), 0);
}

TEST_F(VcpuOpTest, RunstateAreaIsWrittenAtRegistration) {
    v0.runstate.state = RUNSTATE_running;
    v0.runstate.state_entry_time = 777;
    vcpu_register_runstate_memory_area area{};
    area.addr.p = 0x3000;
    put(args_gva, area);
    ASSERT_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 0), 0);
    const vcpu_runstate_info r = get<vcpu_runstate_info>(0x3000);
    EXPECT_EQ(r.state, RUNSTATE_running);
    EXPECT_EQ(r.state_entry_time, 777u);
    EXPECT_EQ(v0.runstate_gva, 0x3000u);
    area.addr.p = 0x100000; // unwritable: accepted as Xen does for HVM
    put(args_gva, area);
    EXPECT_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 0), 0);
}

TEST_F(VcpuOpTest, HvmParamsFollowXensGuestAllowLists) {
    EXPECT_EQ(param(HVMOP_get_param, HVM_PARAM_STORE_PFN), 0);
    EXPECT_EQ(param(HVMOP_get_param, HVM_PARAM_IDENT_PT), eperm);
    EXPECT_EQ(param(HVMOP_set_param, HVM_PARAM_STORE_PFN, 5), eperm);
    EXPECT_EQ(param(HVMOP_set_param, HVM_NR_PARAMS, 5), einval);
    EXPECT_EQ(param(HVMOP_get_param, HVM_NR_PARAMS), einval);
    EXPECT_EQ(param(HVMOP_get_param, HVM_PARAM_STORE_PFN, 0, 0x7ff1), esrch);
    EXPECT_EQ(param(HVMOP_set_param, HVM_PARAM_X87_FIP_WIDTH, 3), einval);
    EXPECT_EQ(hvm_op(HVMOP_get_param, 0x100000), efault);
}

TEST_F(VcpuOpTest, CallbackIrqIsRecordedForTheInterruptCode) {
    const uint64_t via = (uint64_t{HVM_PARAM_CALLBACK_TYPE_VECTOR} << 56) | 0xf3;
    ASSERT_EQ(param(HVMOP_set_param, HVM_PARAM_CALLBACK_IRQ, via), 0);
    EXPECT_EQ(d.hvm_params[HVM_PARAM_CALLBACK_IRQ], via);
    ASSERT_EQ(param(HVMOP_get_param, HVM_PARAM_CALLBACK_IRQ), 0);
    EXPECT_EQ(get<xen_hvm_param>(args_gva).value, via);
}

TEST_F(VcpuOpTest, UpcallVectorRangeAndVcpu) {
    xen_hvm_evtchn_upcall_vector op{};
    op.vcpu = 1;
    op.vector = 0x0f;
    put(args_gva, op);
    EXPECT_EQ(hvm_op(HVMOP_set_evtchn_upcall_vector), einval);
    op.vector = 0xf3;
    op.vcpu = 2;
    put(args_gva, op);
    EXPECT_EQ(hvm_op(HVMOP_set_evtchn_upcall_vector), enoent);
    op.vcpu = 1;
    put(args_gva, op);
    EXPECT_EQ(hvm_op(HVMOP_set_evtchn_upcall_vector), 0);
    EXPECT_EQ(v1.upcall_vector, 0xf3);
}

TEST_F(VcpuOpTest, GetTimeIsSystemTime) {
    arch::fake_now_ns = 123'456'789;
    ASSERT_EQ(hvm_op(HVMOP_get_time), 0);
    EXPECT_EQ(get<xen_hvm_get_time>(args_gva).now, 123'456'789u);
    EXPECT_EQ(hvm_op(HVMOP_get_time, 0x100000), efault);
    EXPECT_EQ(hvm_op(999), enosys);
}

} // namespace
