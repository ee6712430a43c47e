// platform_op (common/hypercall/platform_op.cpp) in Xen 4.17's order: the
// copy (-EFAULT), the interface version (-EACCES), the privilege (-EPERM
// for a domU), then the commands Debian's dom0 kernel issues.
#include <gtest/gtest.h>

#include <cstring>

#include "abi/xen/platform.hpp"
#include "arch/guest_access.hpp"
#include "arch/host_cpu.hpp"
#include "common/domain.hpp"
#include "common/host_power.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/time/wallclock.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr uint64_t arg_gva = 0x100;
constexpr long neg(Errno e) {
    return -static_cast<long>(e);
}

int power_offs = 0;
void count_power_off() {
    ++power_offs;
}

class PlatformOpTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0);
        d = domain_create(4, "dom", 1).value();
        v = vcpu_create(*d, 0, 0).value();
        other = domain_create(8, "other", 1).value();
        power_offs = 0;
    }
    void TearDown() override {
        set_host_power_off_handler(nullptr);
        wallclock_reset();
        domain_destroy(*other);
        domain_destroy(*d);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    static xen_platform_op make(uint32_t cmd) {
        xen_platform_op op{};
        op.cmd = cmd;
        op.interface_version = XENPF_INTERFACE_VERSION;
        return op;
    }
    long call(const xen_platform_op& op) {
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        return do_hypercall(*v, __HYPERVISOR_platform_op, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
    }
    xen_platform_op result() const {
        xen_platform_op op;
        std::memcpy(&op, arch::fake_guest_memory().data() + arg_gva, sizeof(op));
        return op;
    }
    static xen_platform_op sleep(uint32_t state, uint16_t a, uint16_t b, uint32_t flags) {
        xen_platform_op op = make(XENPF_enter_acpi_sleep);
        op.u.enter_acpi_sleep.sleep_state = state;
        op.u.enter_acpi_sleep.val_a = a;
        op.u.enter_acpi_sleep.val_b = b;
        op.u.enter_acpi_sleep.flags = flags;
        return op;
    }
    Domain* d = nullptr;
    Domain* other = nullptr;
    Vcpu* v = nullptr;
};

TEST_F(PlatformOpTest, CopyThenVersionThenPrivilegeAsXen) {
    EXPECT_EQ(do_hypercall(*v, __HYPERVISOR_platform_op, HypercallArgs{{1ull << 40, 0, 0, 0, 0}}),
              neg(Errno::XEN_EFAULT));
    xen_platform_op op = make(XENPF_get_cpuinfo);
    op.interface_version = 0x03000000;
    EXPECT_EQ(call(op), neg(Errno::XEN_EACCES)); // even for a domU
    d->is_privileged = true;
    EXPECT_EQ(call(op), neg(Errno::XEN_EACCES));
    d->is_privileged = false;
    for (int cmd : {XENPF_settime64, XENPF_get_cpuinfo, XENPF_firmware_info, XENPF_enter_acpi_sleep,
                    XENPF_get_dom0_console, 9999})
        EXPECT_EQ(call(make(static_cast<uint32_t>(cmd))), neg(Errno::XEN_EPERM)) << cmd;
}

TEST_F(PlatformOpTest, Settime64SetsTheWallclockOfEveryDomain) {
    d->is_privileged = true;
    xen_platform_op op = make(XENPF_settime64);
    op.u.settime64.secs = 1'700'000'000;
    op.u.settime64.nsecs = 250'000'000;
    op.u.settime64.system_time = 5'500'000'000; // 5.5 s after boot
    EXPECT_EQ(call(op), 0);
    // UTC at system time 0: 1'699'999'994.75 s.
    EXPECT_EQ(wallclock_base_ns(), 1'699'999'994'750'000'000ull);
    for (Domain* x : {d, other}) {
        EXPECT_EQ(x->shared_info->wc_sec, 1'699'999'994u);
        EXPECT_EQ(x->shared_info->wc_nsec, 750'000'000u);
        EXPECT_EQ(x->shared_info->wc_sec_hi, 0u);
        EXPECT_EQ(x->shared_info->wc_version % 2, 0u); // not left mid-update
    }
    op.u.settime64.mbz = 1;
    op.u.settime64.secs = 1;
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(wallclock_base_ns(), 1'699'999'994'750'000'000ull); // unchanged
}

TEST_F(PlatformOpTest, Settime32AsWell) {
    d->is_privileged = true;
    xen_platform_op op = make(XENPF_settime32);
    op.u.settime32.secs = 1000;
    op.u.settime32.nsecs = 0;
    op.u.settime32.system_time = 0;
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(other->shared_info->wc_sec, 1000u);
}

TEST_F(PlatformOpTest, FirmwareInfoAnswersAsXenOnABiosBootWithNothingCollected) {
    d->is_privileged = true;
    auto fw = [&](uint32_t type, uint32_t index) {
        xen_platform_op op = make(XENPF_firmware_info);
        op.u.firmware_info.type = type;
        op.u.firmware_info.index = index;
        op.u.firmware_info.u.kbd_shift_flags = 0x55;
        return call(op);
    };
    EXPECT_EQ(fw(XEN_FW_DISK_INFO, 0), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(fw(XEN_FW_DISK_MBR_SIGNATURE, 0), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(fw(XEN_FW_VBEDDC_INFO, 0), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(fw(XEN_FW_EFI_INFO, XEN_FW_EFI_VERSION), neg(Errno::XEN_ENOSYS)); // not an EFI boot
    EXPECT_EQ(fw(XEN_FW_KBD_SHIFT_FLAGS, 1), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(fw(XEN_FW_KBD_SHIFT_FLAGS, 0), 0);
    EXPECT_EQ(result().u.firmware_info.u.kbd_shift_flags, 0);
    EXPECT_EQ(fw(99, 0), neg(Errno::XEN_EINVAL));
}

TEST_F(PlatformOpTest, GetCpuinfoGivesIdsOrInvalid) {
    d->is_privileged = true;
    xen_platform_op op = make(XENPF_get_cpuinfo);
    op.u.pcpu_info.xen_cpuid = 1;
    EXPECT_EQ(call(op), 0);
    xenpf_pcpuinfo info = result().u.pcpu_info;
    EXPECT_EQ(info.apic_id, arch::fake_host_cpus[1].apic_id);
    EXPECT_EQ(info.acpi_id, arch::fake_host_cpus[1].acpi_id);
    EXPECT_EQ(info.flags, uint32_t{XEN_PCPU_FLAGS_ONLINE});
    EXPECT_EQ(info.max_present, 1u);
    op.u.pcpu_info.xen_cpuid = 2;
    op.u.pcpu_info.apic_id = 0x77;
    EXPECT_EQ(call(op), 0);
    info = result().u.pcpu_info;
    EXPECT_EQ(info.flags, uint32_t{XEN_PCPU_FLAGS_INVALID});
    EXPECT_EQ(info.apic_id, 0x77u); // left as passed, as Xen
    EXPECT_EQ(info.max_present, 1u);
}

TEST_F(PlatformOpTest, S5AsksTheHandlerForPowerOff) {
    d->is_privileged = true;
    constexpr uint16_t slp_en = 0x2000;
    EXPECT_EQ(call(sleep(5, slp_en | 0x1c00, 0, 0)),
              neg(Errno::XEN_EOPNOTSUPP)); // nobody can power off
    set_host_power_off_handler(count_power_off);
    EXPECT_EQ(call(sleep(5, slp_en | 0x1c00, 0, 0)), 0);
    EXPECT_EQ(power_offs, 1);
}

TEST_F(PlatformOpTest, OtherSleepRequestsFailAsXensChecks) {
    d->is_privileged = true;
    set_host_power_off_handler(count_power_off);
    constexpr uint16_t slp_en = 0x2000;
    EXPECT_EQ(call(sleep(3, slp_en, 0, 0)), neg(Errno::XEN_EOPNOTSUPP)); // S3: no wakeup vector
    EXPECT_EQ(call(sleep(5, 0, 0, XENPF_ACPI_SLEEP_EXTENDED)), neg(Errno::XEN_EPERM));
    EXPECT_EQ(call(sleep(5, slp_en, 0x1c00, 0)),
              neg(Errno::XEN_EINVAL));                               // PM1a/b disagree on SLP_EN
    EXPECT_EQ(call(sleep(5, slp_en, 0, 2)), neg(Errno::XEN_EINVAL)); // unknown flag
    EXPECT_EQ(call(sleep(0, slp_en, 0, 0)), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(call(sleep(6, slp_en, 0, 0)), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(call(sleep(4, slp_en, 0, 0)),
              neg(Errno::XEN_EINVAL)); // enter_state(): S3 and S5 only
    EXPECT_EQ(power_offs, 0);
}

TEST_F(PlatformOpTest, UnknownCommandsAreEnosysIncludingGetDom0Console) {
    d->is_privileged = true;
    EXPECT_EQ(call(make(XENPF_get_dom0_console)), neg(Errno::XEN_ENOSYS)); // after 4.17
    EXPECT_EQ(call(make(XENPF_microcode_update)), neg(Errno::XEN_ENOSYS));
    EXPECT_EQ(call(make(12345)), neg(Errno::XEN_ENOSYS));
}

TEST_F(PlatformOpTest, XsmOpIsEnosysForEveryone) {
    EXPECT_EQ(do_hypercall(*v, __HYPERVISOR_xsm_op, HypercallArgs{{0, 0, 0, 0, 0}}),
              neg(Errno::XEN_ENOSYS));
    d->is_privileged = true;
    EXPECT_EQ(do_hypercall(*v, __HYPERVISOR_xsm_op, HypercallArgs{{arg_gva, 0, 0, 0, 0}}),
              neg(Errno::XEN_ENOSYS));
    EXPECT_STREQ(hypercall_name(__HYPERVISOR_xsm_op), "xsm_op");
    EXPECT_STREQ(hypercall_name(__HYPERVISOR_platform_op), "platform_op");
}

} // namespace
} // namespace cxen
