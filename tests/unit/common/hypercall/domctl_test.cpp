// Unit tests of domctl (common/hypercall/domctl.cpp) in Xen 4.17's order of
// checks: the copy (-EFAULT), the interface version (-EACCES), the domain
// named (-ESRCH), each sub-op's own argument checks (-EINVAL) before its XSM
// hook, then the hook (-EPERM for a domU). And XEN_DOMCTL_getdomaininfo as
// the control domain sees it: the named domain, or the next existing one.
#include <gtest/gtest.h>

#include <cstring>

#include "abi/xen/domctl.hpp"
#include "arch/guest_access.hpp"
#include "arch/time.hpp"
#include "common/domain.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/sched.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr uint64_t arg_gva = 0x100;

constexpr long neg(Errno e) { return -static_cast<long>(e); }

class DomctlTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0);
        d = domain_create(5, "domu", 2).value();
        v = vcpu_create(*d, 0, 0).value();
        other = domain_create(9, "other", 1).value();
    }
    void TearDown() override {
        if (other) domain_destroy(*other);
        domain_destroy(*d);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    static xen_domctl make(uint32_t cmd, Domid domid) {
        xen_domctl op{};
        op.cmd = cmd;
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        op.domain = domid;
        return op;
    }
    long call(const xen_domctl& op) {
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        return do_domctl(*v, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
    }
    xen_domctl result() const {
        xen_domctl op;
        std::memcpy(&op, arch::fake_guest_memory().data() + arg_gva, sizeof(op));
        return op;
    }
    Domain* d = nullptr;
    Domain* other = nullptr;
    Vcpu* v = nullptr;
};

TEST_F(DomctlTest, BadPointerIsEfaultAndWrongVersionEaccesBeforeAnything) {
    EXPECT_EQ(do_domctl(*v, HypercallArgs{{1ull << 40, 0, 0, 0, 0}}), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(do_domctl(*v, HypercallArgs{{4096 - 8, 0, 0, 0, 0}}), neg(Errno::XEN_EFAULT)); // runs off the end
    for (uint32_t version : {0u, 0x14u, 0x16u}) {
        xen_domctl op = make(XEN_DOMCTL_pausedomain, 777); // no such domain either
        op.interface_version = version;
        EXPECT_EQ(call(op), neg(Errno::XEN_EACCES)) << version;
    }
}

TEST_F(DomctlTest, AnAbsentDomainIsEsrchBeforePrivilege) {
    for (uint32_t cmd : {XEN_DOMCTL_pausedomain, XEN_DOMCTL_max_mem, XEN_DOMCTL_iomem_permission,
                         XEN_DOMCTL_set_target, XEN_DOMCTL_getvcpuinfo})
        EXPECT_EQ(call(make(cmd, 777)), neg(Errno::XEN_ESRCH)) << cmd;
    // DOMID_SELF names no domain in domctl (Xen's rcu_lock_domain_by_id).
    EXPECT_EQ(call(make(XEN_DOMCTL_pausedomain, DOMID_SELF)), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(call(make(XEN_DOMCTL_assign_device, DOMID_INVALID)), neg(Errno::XEN_ESRCH));
}

TEST_F(DomctlTest, DomUIsRefusedOnItselfAndOnOthers) {
    for (Domid target : {Domid{5}, Domid{9}})
        for (uint32_t cmd : {XEN_DOMCTL_pausedomain, XEN_DOMCTL_unpausedomain, XEN_DOMCTL_destroydomain,
                             XEN_DOMCTL_max_mem, XEN_DOMCTL_max_vcpus, XEN_DOMCTL_getvcpuinfo,
                             XEN_DOMCTL_gethvmcontext, XEN_DOMCTL_setvcpuaffinity, XEN_DOMCTL_getdomaininfo,
                             XEN_DOMCTL_bind_pt_irq, XEN_DOMCTL_unbind_pt_irq})
            EXPECT_EQ(call(make(cmd, target)), neg(Errno::XEN_EPERM)) << cmd << " on d" << target;
    // No domain named: createdomain still needs privilege.
    EXPECT_EQ(call(make(XEN_DOMCTL_createdomain, 0)), neg(Errno::XEN_EPERM));
}

TEST_F(DomctlTest, ArgumentChecksComeBeforeTheHookAsInXen) {
    xen_domctl op = make(XEN_DOMCTL_iomem_permission, 9);
    op.u.iomem_permission.first_mfn = ~0ull;
    op.u.iomem_permission.nr_mfns = 2; // wraps
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.iomem_permission.first_mfn = 0x1000;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    op = make(XEN_DOMCTL_memory_mapping, 9);
    op.u.memory_mapping.first_mfn = 1ull << (40 - 12); // beyond the host's address width
    op.u.memory_mapping.nr_mfns = 1;
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.memory_mapping.first_mfn = 0x100;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    op = make(XEN_DOMCTL_ioport_permission, 9);
    op.u.ioport_permission.first_port = 0xfff0;
    op.u.ioport_permission.nr_ports = 0x20; // past port 0xffff
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.ioport_permission.nr_ports = 0x10;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    op = make(XEN_DOMCTL_ioport_mapping, 9);
    op.u.ioport_mapping.nr_ports = 0; // np - 1 wraps
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.ioport_mapping.nr_ports = 1;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    op = make(XEN_DOMCTL_irq_permission, 9);
    op.u.irq_permission.pirq = 200; // beyond a domU's nr_pirqs
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.irq_permission.pirq = 3; // not bound in the caller: -EPERM before any hook
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    op = make(XEN_DOMCTL_set_target, 9);
    op.u.set_target.target = 777;
    EXPECT_EQ(call(op), neg(Errno::XEN_ESRCH));
    op.u.set_target.target = 9; // itself
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.set_target.target = 5;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    EXPECT_EQ(call(make(XEN_DOMCTL_get_device_group, 9)), neg(Errno::XEN_EOPNOTSUPP)); // no IOMMU
}

TEST_F(DomctlTest, VmEventGetVersionNeedsNoPrivilegeAsInXen) {
    xen_domctl op = make(XEN_DOMCTL_vm_event_op, DOMID_INVALID);
    op.u.vm_event_op.op = XEN_VM_EVENT_GET_VERSION;
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(result().u.vm_event_op.u.version, 7u);
    op.u.vm_event_op.op = XEN_VM_EVENT_ENABLE;
    EXPECT_EQ(call(op), neg(Errno::XEN_ESRCH)); // any other sub-op needs a domain
    op.domain = 9;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));
}

TEST_F(DomctlTest, ControlDomainGetsInfoOfTheNamedOrTheNextDomain) {
    d->is_privileged = true;
    other->max_pages = 1234;
    other->shutdown_code = SHUTDOWN_reboot;
    other->is_shutdown = true;
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 9)), 0);
    xen_domctl op = result();
    EXPECT_EQ(op.domain, 9);
    EXPECT_EQ(op.u.getdomaininfo.domain, 9);
    EXPECT_EQ(op.u.getdomaininfo.max_pages, 1234u);
    EXPECT_EQ(op.u.getdomaininfo.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID); // no vCPU created
    EXPECT_EQ(op.u.getdomaininfo.nr_online_vcpus, 0u);
    const uint32_t flags = op.u.getdomaininfo.flags;
    EXPECT_TRUE(flags & XEN_DOMINF_hvm_guest);
    EXPECT_TRUE(flags & XEN_DOMINF_hap);
    EXPECT_TRUE(flags & XEN_DOMINF_shutdown);
    EXPECT_FALSE(flags & (XEN_DOMINF_blocked | XEN_DOMINF_running)); // nothing online
    EXPECT_EQ((flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask, unsigned{SHUTDOWN_reboot});
    EXPECT_EQ(op.u.getdomaininfo.shared_info_frame, ~0ull);
    EXPECT_EQ(op.u.getdomaininfo.arch_config.emulation_flags, XEN_X86_EMU_LAPIC);

    // An absent ID answers for the next existing one: 6 -> 9, 0 -> 5.
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 6)), 0);
    EXPECT_EQ(result().domain, 9);
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 0)), 0);
    EXPECT_EQ(result().domain, 5);
    EXPECT_EQ(result().u.getdomaininfo.max_vcpu_id, 0u); // its one vCPU (down until started)
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 10)), neg(Errno::XEN_ESRCH)); // none above
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, DOMID_FIRST_RESERVED)), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, DOMID_SELF)), neg(Errno::XEN_EINVAL));
    // Past the checks, the ops that are not implemented yet say so.
    EXPECT_EQ(call(make(XEN_DOMCTL_vmtrace_op, 9)), neg(Errno::XEN_ENOSYS));
}

// ---- the ops past the checks, for the control domain ----

TEST_F(DomctlTest, DomUGetsEpermForTheControlOps) {
    for (uint32_t cmd : {XEN_DOMCTL_pausedomain, XEN_DOMCTL_unpausedomain, XEN_DOMCTL_destroydomain,
                         XEN_DOMCTL_max_vcpus, XEN_DOMCTL_getvcpuinfo, XEN_DOMCTL_getvcpuaffinity,
                         XEN_DOMCTL_setvcpuaffinity, XEN_DOMCTL_max_mem, XEN_DOMCTL_setdomainhandle}) {
        EXPECT_EQ(call(make(cmd, 9)), neg(Errno::XEN_EPERM)) << cmd;
        EXPECT_EQ(call(make(cmd, 5)), neg(Errno::XEN_EPERM)) << cmd; // itself too
    }
    EXPECT_EQ(other->controller_pause_count.load(), 0);
    EXPECT_FALSE(other->is_dying.load());
}

TEST_F(DomctlTest, PauseAndUnpauseCountAsXensControllerPauses) {
    d->is_privileged = true;
    EXPECT_EQ(call(make(XEN_DOMCTL_unpausedomain, 9)), neg(Errno::XEN_EINVAL)); // not paused by us
    EXPECT_EQ(call(make(XEN_DOMCTL_pausedomain, 9)), 0);
    EXPECT_EQ(call(make(XEN_DOMCTL_pausedomain, 9)), 0);
    EXPECT_TRUE(domain_is_paused(*other));
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 9)), 0);
    EXPECT_TRUE(result().u.getdomaininfo.flags & XEN_DOMINF_paused);
    EXPECT_EQ(call(make(XEN_DOMCTL_unpausedomain, 9)), 0);
    EXPECT_TRUE(domain_is_paused(*other)); // nests
    EXPECT_EQ(call(make(XEN_DOMCTL_unpausedomain, 9)), 0);
    EXPECT_FALSE(domain_is_paused(*other));
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 9)), 0);
    EXPECT_FALSE(result().u.getdomaininfo.flags & XEN_DOMINF_paused);
    EXPECT_EQ(call(make(XEN_DOMCTL_unpausedomain, 9)), neg(Errno::XEN_EINVAL));
    // Not the caller's own domain; at most 255 controller pauses.
    EXPECT_EQ(call(make(XEN_DOMCTL_pausedomain, 5)), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(call(make(XEN_DOMCTL_unpausedomain, 5)), neg(Errno::XEN_EINVAL));
    EXPECT_FALSE(domain_is_paused(*d));
    for (int i = 0; i < 255; ++i) ASSERT_EQ(call(make(XEN_DOMCTL_pausedomain, 9)), 0) << i;
    EXPECT_EQ(call(make(XEN_DOMCTL_pausedomain, 9)), neg(Errno::XEN_EOVERFLOW));
    EXPECT_EQ(other->pause_count.load(), 255u);
    for (int i = 0; i < 255; ++i) ASSERT_EQ(call(make(XEN_DOMCTL_unpausedomain, 9)), 0) << i;
    EXPECT_FALSE(domain_is_paused(*other));
}

TEST_F(DomctlTest, DestroydomainContinuesWhileTheKillSaysRestartAndRefusesSelf) {
    d->is_privileged = true;
    EXPECT_EQ(call(make(XEN_DOMCTL_destroydomain, 5)), neg(Errno::XEN_EINVAL));
    EXPECT_FALSE(d->is_dying.load());
    ASSERT_TRUE(get_domain(*other)); // keep the Domain readable once it left the table
    Domain* const victim = other;
    victim->kill_busy = true; // another domain_kill() step under way: -ERESTART
    v->hypercall_continues = false;
    EXPECT_EQ(call(make(XEN_DOMCTL_destroydomain, 9)), 0);
    EXPECT_TRUE(v->hypercall_continues); // the guest re-executes the same call
    EXPECT_EQ(v->continuation_args[0], arg_gva);
    EXPECT_FALSE(victim->is_dead.load());
    victim->kill_busy = false;
    v->hypercall_continues = false;
    EXPECT_EQ(call(make(XEN_DOMCTL_destroydomain, 9)), 0);
    EXPECT_FALSE(v->hypercall_continues);
    EXPECT_TRUE(victim->is_dead.load());
    EXPECT_EQ(call(make(XEN_DOMCTL_destroydomain, 9)), neg(Errno::XEN_ESRCH)); // gone from the table
    other = nullptr;
    put_domain(*victim);
}

TEST_F(DomctlTest, GetvcpuinfoReportsTheVcpuAndChecksItsNumber) {
    d->is_privileged = true;
    xen_domctl op = make(XEN_DOMCTL_getvcpuinfo, 5);
    op.u.getvcpuinfo.vcpu = 2; // max_vcpus is 2
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.getvcpuinfo.vcpu = 1; // in range, not created
    EXPECT_EQ(call(op), neg(Errno::XEN_ESRCH));
    v->down = false;
    v->state = VcpuState::running;
    v->processor = 1;
    v->runstate.state = RUNSTATE_running;
    v->runstate.time[RUNSTATE_running] = 5000;
    v->runstate.state_entry_time = 100;
    arch::fake_now_ns = 400;
    op.u.getvcpuinfo.vcpu = 0;
    EXPECT_EQ(call(op), 0);
    xen_domctl_getvcpuinfo info = result().u.getvcpuinfo;
    EXPECT_EQ(info.online, 1);
    EXPECT_EQ(info.running, 1);
    EXPECT_EQ(info.blocked, 0);
    EXPECT_EQ(info.cpu_time, 5300u); // accounted + the current period
    EXPECT_EQ(info.cpu, 1u);
    v->down = true;
    v->state = VcpuState::blocked;
    v->runstate.state = RUNSTATE_blocked;
    v->processor = 0;
    EXPECT_EQ(call(op), 0);
    info = result().u.getvcpuinfo;
    EXPECT_EQ(info.online, 0);
    EXPECT_EQ(info.running, 0);
    EXPECT_EQ(info.blocked, 1);
    EXPECT_EQ(info.cpu_time, 5000u);
    v->state = VcpuState::offline;
}

TEST_F(DomctlTest, MaxMemSetsMaxPagesWithoutLookingAtTotPages) {
    d->is_privileged = true;
    xen_domctl op = make(XEN_DOMCTL_max_mem, 9);
    op.u.max_mem.max_memkb = 8192;
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(other->max_pages, 2048u);
    op.u.max_mem.max_memkb = ~0ull; // Xen's max_pages is 32 bits
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(other->max_pages, 0xffffffffu);
}

TEST_F(DomctlTest, SetdomainhandleIsWhatGetdomaininfoReports) {
    d->is_privileged = true;
    xen_domctl op = make(XEN_DOMCTL_setdomainhandle, 9);
    for (unsigned i = 0; i < 16; ++i) op.u.setdomainhandle.handle[i] = static_cast<uint8_t>(0xa0 + i);
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 9)), 0);
    EXPECT_EQ(std::memcmp(result().u.getdomaininfo.handle, op.u.setdomainhandle.handle, 16), 0);
}

TEST_F(DomctlTest, MaxVcpusOnlyConfirmsTheCreatedCountAndMakesTheVcpus) {
    d->is_privileged = true;
    xen_domctl op = make(XEN_DOMCTL_max_vcpus, 9);
    op.u.max_vcpus.max = 2; // other was created for 1
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.max_vcpus.max = 1;
    EXPECT_EQ(call(op), 0);
    ASSERT_NE(other->vcpus[0], nullptr);
    EXPECT_FALSE(domain_is_paused(*other)); // its own pause undone
    EXPECT_EQ(call(op), 0); // again: nothing to create
    op = make(XEN_DOMCTL_max_vcpus, 5);
    op.u.max_vcpus.max = 2;
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL)); // not the caller's own
}

/// Affinity needs pCPUs under the scheduler: 0 and 1, as the fake host has.
class DomctlAffinityTest : public DomctlTest {
  protected:
    void SetUp() override {
        DomctlTest::SetUp();
        for (unsigned c = 0; c < 2; ++c) {
            timers_init_cpu(c);
            sched_init_cpu(c);
        }
        d->is_privileged = true;
        target = vcpu_create(*other, 0, 0).value();
    }
    void TearDown() override {
        domain_destroy(*other);
        other = nullptr;
        domain_destroy(*d);
        for (unsigned c = 0; c < 2; ++c) { // a move pokes the new pCPU: leave nothing pending there
            arch::current_cpu = c;
            process_pending_softirqs();
        }
        arch::current_cpu = 0;
        for (unsigned c = 0; c < 2; ++c) {
            sched_deinit_cpu(c);
            timers_destroy_cpu(c);
        }
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    static constexpr uint64_t hard_gva = 0x400, soft_gva = 0x500;
    xen_domctl affinity(uint32_t cmd, uint32_t flags, uint32_t nr_bits = 8) {
        xen_domctl op = make(cmd, 9);
        op.u.vcpuaffinity.vcpu = 0;
        op.u.vcpuaffinity.flags = flags;
        set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, reinterpret_cast<uint8_t*>(hard_gva));
        set_xen_guest_handle(op.u.vcpuaffinity.cpumap_soft.bitmap, reinterpret_cast<uint8_t*>(soft_gva));
        op.u.vcpuaffinity.cpumap_hard.nr_bits = nr_bits;
        op.u.vcpuaffinity.cpumap_soft.nr_bits = nr_bits;
        return op;
    }
    uint8_t& byte(uint64_t gva) { return arch::fake_guest_memory()[gva]; }
    Vcpu* target = nullptr;
};

TEST_F(DomctlAffinityTest, GetGivesBothMapsInXenctlBitmapForm) {
    byte(hard_gva) = byte(soft_gva) = 0xee;
    byte(hard_gva + 1) = 0xee;
    EXPECT_EQ(call(affinity(XEN_DOMCTL_getvcpuaffinity, XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT, 16)), 0);
    EXPECT_EQ(byte(hard_gva), 0x03); // all: nr_cpu_ids is 2
    EXPECT_EQ(byte(hard_gva + 1), 0); // the rest of the caller's 16 bits
    EXPECT_EQ(byte(soft_gva), 0x03);
}

TEST_F(DomctlAffinityTest, SetWritesBackTheEffectiveMaps) {
    byte(hard_gva) = 0x02; // pCPU 1 only
    byte(soft_gva) = 0x01; // prefers pCPU 0, outside the new hard map
    EXPECT_EQ(call(affinity(XEN_DOMCTL_setvcpuaffinity, XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)), 0);
    CpuMask hard, soft;
    vcpu_get_affinity(*target, hard, soft);
    EXPECT_EQ(hard, CpuMask::of(1));
    EXPECT_EQ(soft, CpuMask::of(0)); // recorded as asked
    EXPECT_EQ(byte(hard_gva), 0x02);
    EXPECT_EQ(byte(soft_gva), 0x00); // effective: soft & hard & online
    EXPECT_EQ(target->processor.load(), 1u); // moved into its hard affinity
}

TEST_F(DomctlAffinityTest, BadArgumentsAreXensErrors) {
    xen_domctl op = affinity(XEN_DOMCTL_setvcpuaffinity, 0);
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL)); // no flags
    op = affinity(XEN_DOMCTL_getvcpuaffinity, XEN_VCPUAFFINITY_HARD);
    set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, static_cast<uint8_t*>(nullptr));
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL)); // HARD without a map
    op = affinity(XEN_DOMCTL_getvcpuaffinity, XEN_VCPUAFFINITY_SOFT);
    op.u.vcpuaffinity.vcpu = 1;
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL)); // beyond max_vcpus
    op = affinity(XEN_DOMCTL_getvcpuaffinity, XEN_VCPUAFFINITY_SOFT);
    op.domain = 5;
    op.u.vcpuaffinity.vcpu = 1;
    EXPECT_EQ(call(op), neg(Errno::XEN_ESRCH)); // not created
    byte(hard_gva) = 0x04; // pCPU 2: none online
    EXPECT_EQ(call(affinity(XEN_DOMCTL_setvcpuaffinity, XEN_VCPUAFFINITY_HARD)), neg(Errno::XEN_EINVAL));
    CpuMask hard, soft;
    vcpu_get_affinity(*target, hard, soft);
    EXPECT_EQ(hard, CpuMask::all()); // unchanged
    op = affinity(XEN_DOMCTL_setvcpuaffinity, XEN_VCPUAFFINITY_HARD);
    set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, reinterpret_cast<uint8_t*>(1ull << 40));
    EXPECT_EQ(call(op), neg(Errno::XEN_EFAULT));
}

TEST_F(DomctlAffinityTest, FailedSoftSetRestoresTheHardMap) {
    byte(hard_gva) = 0x02;
    byte(soft_gva) = 0x00; // an empty soft map: cxen's vcpu_set_soft_affinity refuses it
    EXPECT_EQ(call(affinity(XEN_DOMCTL_setvcpuaffinity, XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)),
              neg(Errno::XEN_EINVAL));
    CpuMask hard, soft;
    vcpu_get_affinity(*target, hard, soft);
    EXPECT_EQ(hard, CpuMask::all());
}

} // namespace
} // namespace cxen
