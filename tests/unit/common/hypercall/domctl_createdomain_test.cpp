// Unit tests of XEN_DOMCTL_createdomain (common/hypercall/
// domctl_createdomain.cpp) through do_domctl(), as the control domain and
// a domU make it: the domid choice (given, taken, the rover, zombies), the
// config's errors, what the new domain is, and the life of a domain the
// toolstack created: max_vcpus, pause/unpause with no vCPU initialised,
// getdomaininfo's flags, a shutdown that waits for destroydomain,
// VIRQ_DOM_EXC, and a dead domain still mapped keeping its ID.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "abi/xen/domctl.hpp"
#include "arch/cpu.hpp"
#include "arch/guest_access.hpp"
#include "common/domain.hpp"
#include "common/event/evtchn.hpp"
#include "common/host_info.hpp"
#include "common/hypercall/domctl_create.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/softirq.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr uint64_t arg_gva = 0x100;
constexpr long neg(Errno e) {
    return -static_cast<long>(e);
}

bool port_pending(const Domain& d, uint32_t port) {
    return (d.shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}
void clear_pending(Domain& d, uint32_t port) {
    d.shared_info->evtchn_pending[port / 64] &= ~(xen_ulong_t{1} << (port % 64));
}

/// libxl's PVH config (dom0-toolstack-abi.md §4.2 step 3).
xen_domctl_createdomain libxl_pvh(unsigned vcpus) {
    xen_domctl_createdomain c{};
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c.max_vcpus = vcpus;
    c.max_evtchn_port = 1023;
    c.max_grant_frames = -1;
    c.max_maptrack_frames = -1;
    c.grant_opts = XEN_DOMCTL_GRANT_version(2);
    c.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    for (unsigned i = 0; i < 16; ++i)
        c.handle[i] = static_cast<uint8_t>(0xa0 + i);
    return c;
}

class CreatedomainTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0);
        createdomain_set_rover(0);
        ctl = domain_create(0, "Domain-0", 1).value();
        ctl->is_privileged = true;
        cv = vcpu_create(*ctl, 0, 0).value();
        evtchn_bind_virq_t b{VIRQ_DOM_EXC, 0, 0};
        ASSERT_TRUE(evtchn_bind_virq(*ctl, b).ok());
        dom_exc = b.port;
        domu = domain_create(7, "boot-domu", 1).value();
        uv = vcpu_create(*domu, 0, 0).value();
    }
    void TearDown() override {
        for (Domid id : created) {
            DomainRef r;
            if (domain_ref_by_id(id, r).ok()) destroy(id);
        }
        domain_destroy(*domu);
        domain_destroy(*ctl);
        // An unpause pokes each vCPU's pCPU: leave nothing pending for the next test.
        for (unsigned c = 0; c < host_nr_cpu_ids(); ++c) {
            arch::current_cpu = c;
            process_pending_softirqs();
        }
        arch::current_cpu = 0;
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    static xen_domctl make(uint32_t cmd, Domid domid) {
        xen_domctl op{};
        op.cmd = cmd;
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        op.domain = domid;
        return op;
    }
    long call(const xen_domctl& op, Vcpu* by = nullptr) {
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        return do_domctl(by ? *by : *cv, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
    }
    xen_domctl result() const {
        xen_domctl op;
        std::memcpy(&op, arch::fake_guest_memory().data() + arg_gva, sizeof(op));
        return op;
    }
    /// createdomain; the ID made (or -errno as a negative long in *rc).
    long create(Domid want, const xen_domctl_createdomain& c) {
        xen_domctl op = make(XEN_DOMCTL_createdomain, want);
        op.u.createdomain = c;
        const long rc = call(op);
        if (rc == 0) created.push_back(result().domain);
        return rc == 0 ? result().domain : rc;
    }
    /// destroydomain to the end (the call continues itself while it says so).
    long destroy(Domid id) {
        long rc;
        unsigned rounds = 0;
        do {
            cv->hypercall_continues = false;
            rc = call(make(XEN_DOMCTL_destroydomain, id));
        } while (rc == 0 && cv->hypercall_continues && ++rounds < 100);
        return rc;
    }
    xen_domctl_getdomaininfo info(Domid id) {
        EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, id)), 0);
        return result().u.getdomaininfo;
    }
    static Domain* find(Domid id) { return domain_by_id(id); }

    Domain* ctl = nullptr;
    Domain* domu = nullptr;
    Vcpu* cv = nullptr;
    Vcpu* uv = nullptr;
    uint32_t dom_exc = 0;
    std::vector<Domid> created;
};

TEST_F(CreatedomainTest, ChosenIdIsUsedAndCopiedBackTakenIsEexist) {
    EXPECT_EQ(create(12, libxl_pvh(2)), 12);
    EXPECT_EQ(create(12, libxl_pvh(2)), neg(Errno::XEN_EEXIST));
    EXPECT_EQ(create(7, libxl_pvh(1)), neg(Errno::XEN_EEXIST)) << "the boot-built domU's";
    EXPECT_EQ(create(0x7fef, libxl_pvh(1)), 0x7fef) << "the last ordinary ID";
}

TEST_F(CreatedomainTest, AutomaticIdFollowsTheRoverSkipsTakenIdsAndWraps) {
    EXPECT_EQ(create(0, libxl_pvh(1)), 1);
    EXPECT_EQ(create(DOMID_INVALID, libxl_pvh(1)), 2) << "any reserved ID means automatic";
    EXPECT_EQ(create(DOMID_FIRST_RESERVED, libxl_pvh(1)), 3);
    EXPECT_EQ(destroy(1), 0);
    EXPECT_EQ(create(0, libxl_pvh(1)), 4) << "after the rover, not the lowest free";
    EXPECT_EQ(create(6, libxl_pvh(1)), 6);
    EXPECT_EQ(create(0, libxl_pvh(1)), 5);
    EXPECT_EQ(create(0, libxl_pvh(1)), 8) << "6 (created) and 7 (boot-built) are taken";
    // At the top the search wraps to 1 (free again), never to 0.
    createdomain_set_rover(0x7fee);
    EXPECT_EQ(create(0, libxl_pvh(1)), 0x7fef);
    EXPECT_EQ(create(0, libxl_pvh(1)), 1);
    EXPECT_EQ(create(0, libxl_pvh(1)), 9);
}

TEST_F(CreatedomainTest, TheRoverMovesEvenWhenTheConfigIsRefused) {
    auto bad = libxl_pvh(1);
    bad.max_vcpus = 0;
    EXPECT_EQ(create(0, bad), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(create(0, libxl_pvh(1)), 2) << "Xen sets the rover before domain_create()";
    EXPECT_EQ(find(1), nullptr) << "nothing was made for the refused config";
}

TEST_F(CreatedomainTest, TakenIdIsCheckedBeforeTheConfig) {
    auto bad = libxl_pvh(1);
    bad.flags = 0;
    EXPECT_EQ(create(7, bad), neg(Errno::XEN_EEXIST));
    EXPECT_EQ(create(20, bad), neg(Errno::XEN_EINVAL));
}

TEST_F(CreatedomainTest, EachBadConfigGetsXensErrorAndLeavesNothing) {
    const unsigned before = nr_domains();
    struct Case {
        void (*edit)(xen_domctl_createdomain&);
        Errno e;
    } cases[] = {
        {[](auto& c) { c.flags |= 1u << 9; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.grant_opts = 0x12; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.max_vcpus = 0; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.max_vcpus = 129; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.flags = XEN_DOMCTL_CDF_hap; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.flags = 0; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.flags |= XEN_DOMCTL_CDF_iommu; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.iommu_opts = 1; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.vmtrace_size = 0x1000; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.flags |= XEN_DOMCTL_CDF_vpmu; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.arch.misc_flags = 4; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.arch.emulation_flags = 1u << 12; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.arch.emulation_flags = XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI; },
         Errno::XEN_EOPNOTSUPP},
        {[](auto& c) { c.flags = XEN_DOMCTL_CDF_hvm; }, Errno::XEN_EOPNOTSUPP},
        {[](auto& c) { c.grant_opts = 0; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.max_grant_frames = 65; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.max_maptrack_frames = 2048; }, Errno::XEN_EINVAL},
        {[](auto& c) { c.cpupool_id = 3; }, Errno::XEN_ESRCH},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
        auto c = libxl_pvh(1);
        cases[i].edit(c);
        EXPECT_EQ(create(30, c), neg(cases[i].e)) << "case " << i;
    }
    EXPECT_EQ(nr_domains(), before);
    EXPECT_EQ(find(30), nullptr);
}

TEST_F(CreatedomainTest, ADomUGetsEpermAndABadPointerEfault) {
    xen_domctl op = make(XEN_DOMCTL_createdomain, 40);
    op.u.createdomain = libxl_pvh(1);
    EXPECT_EQ(call(op, uv), neg(Errno::XEN_EPERM));
    EXPECT_EQ(find(40), nullptr);
    EXPECT_EQ(do_domctl(*cv, HypercallArgs{{1ull << 40, 0, 0, 0, 0}}), neg(Errno::XEN_EFAULT));
}

TEST_F(CreatedomainTest, TheNewDomainIsPausedEmptyUnprivilegedAndNameless) {
    ASSERT_EQ(create(12, libxl_pvh(3)), 12);
    Domain* d = find(12);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->controller_pause_count.load(), 1);
    EXPECT_TRUE(domain_is_paused(*d));
    EXPECT_FALSE(d->creation_finished.load());
    EXPECT_FALSE(d->is_privileged);
    EXPECT_EQ(d->max_vcpus, 3u);
    for (unsigned i = 0; i < 3; ++i)
        EXPECT_EQ(d->vcpus[i], nullptr);
    EXPECT_EQ(d->p2m.ram_pages(), 0u);
    EXPECT_NE(d->evtchn, nullptr);
    EXPECT_NE(d->gnttab, nullptr);
    EXPECT_EQ(d->max_grant_frames, 64u);
    EXPECT_EQ(d->max_maptrack_frames, 1024u);
    EXPECT_EQ(d->max_grant_version, 2u);
    EXPECT_EQ(d->max_evtchn_ports, 1023u);
    EXPECT_STREQ(d->name, "");
    EXPECT_EQ(domain_by_name(""), nullptr) << "nameless domains are not found by an empty name";
    EXPECT_EQ(d->handle[0], 0xa0);
    EXPECT_EQ(d->handle[15], 0xaf);
    EXPECT_EQ(d->on_shutdown, nullptr) << "the toolstack destroys it, not the hypervisor";
}

TEST_F(CreatedomainTest, GetdomaininfoOfANewDomainAsXen) {
    ASSERT_EQ(create(12, libxl_pvh(2)), 12);
    const auto i = info(12);
    EXPECT_EQ(i.domain, 12);
    EXPECT_EQ(i.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID) << "before max_vcpus";
    EXPECT_EQ(i.nr_online_vcpus, 0u);
    EXPECT_EQ(i.flags & (XEN_DOMINF_blocked | XEN_DOMINF_running | XEN_DOMINF_dying |
                         XEN_DOMINF_shutdown),
              0u);
    EXPECT_TRUE(i.flags & XEN_DOMINF_paused);
    EXPECT_TRUE(i.flags & XEN_DOMINF_hvm_guest);
    EXPECT_EQ(i.flags >> XEN_DOMINF_shutdownshift, 0xffffu)
        << "SHUTDOWN_CODE_INVALID shifted whole, as Xen";
    EXPECT_EQ(i.tot_pages, 0u);
    EXPECT_EQ(i.outstanding_pages, 0u);
    EXPECT_EQ(i.cpupool, 0u);
    EXPECT_EQ(i.gpaddr_bits, 48u);
    EXPECT_EQ(i.arch_config.emulation_flags, XEN_X86_EMU_LAPIC);
    EXPECT_EQ(i.handle[1], 0xa1);
}

TEST_F(CreatedomainTest, MaxVcpusMakesThemDownSoNothingRunsThroughUnpauseAndDestroy) {
    ASSERT_EQ(create(12, libxl_pvh(2)), 12);
    xen_domctl op = make(XEN_DOMCTL_max_vcpus, 12);
    op.u.max_vcpus.max = 1;
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL)) << "not the created count";
    op.u.max_vcpus.max = 2;
    EXPECT_EQ(call(op), 0);
    Domain* d = find(12);
    for (unsigned i = 0; i < 2; ++i) {
        ASSERT_NE(d->vcpus[i], nullptr);
        EXPECT_TRUE(d->vcpus[i]->down.load());
        EXPECT_FALSE(d->vcpus[i]->initialised.load());
        EXPECT_EQ(d->vcpus[i]->state.load(), VcpuState::offline);
    }
    auto i = info(12);
    EXPECT_EQ(i.max_vcpu_id, 1u);
    EXPECT_EQ(i.nr_online_vcpus, 0u);
    EXPECT_EQ(i.flags & (XEN_DOMINF_blocked | XEN_DOMINF_running), 0u) << "no online vCPU: neither";
    xen_domctl vi = make(XEN_DOMCTL_getvcpuinfo, 12);
    vi.u.getvcpuinfo.vcpu = 1;
    EXPECT_EQ(call(vi), 0);
    EXPECT_EQ(result().u.getvcpuinfo.online, 0);
    // Unpause (creation finished), pause, unpause again: counts as Xen's.
    EXPECT_EQ(call(make(XEN_DOMCTL_unpausedomain, 12)), 0);
    EXPECT_TRUE(d->creation_finished.load());
    EXPECT_FALSE(domain_is_paused(*d));
    EXPECT_FALSE(info(12).flags & XEN_DOMINF_paused);
    EXPECT_EQ(call(make(XEN_DOMCTL_unpausedomain, 12)), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(call(make(XEN_DOMCTL_pausedomain, 12)), 0);
    EXPECT_TRUE(info(12).flags & XEN_DOMINF_paused);
    EXPECT_EQ(call(make(XEN_DOMCTL_unpausedomain, 12)), 0);
    for (unsigned k = 0; k < 2; ++k)
        EXPECT_EQ(d->vcpus[k]->state.load(), VcpuState::offline) << "nothing ran";
    clear_pending(*ctl, dom_exc);
    EXPECT_EQ(destroy(12), 0);
    EXPECT_TRUE(port_pending(*ctl, dom_exc));
    EXPECT_EQ(find(12), nullptr);
}

TEST_F(CreatedomainTest, ShutdownWaitsForDestroydomainWithCodeAndVirq) {
    ASSERT_EQ(create(12, libxl_pvh(1)), 12);
    Domain* d = find(12);
    clear_pending(*ctl, dom_exc);
    domain_shutdown(*d, ShutdownReason::crash);
    EXPECT_TRUE(port_pending(*ctl, dom_exc));
    EXPECT_NE(find(12), nullptr) << "still listed: the toolstack decides";
    EXPECT_FALSE(d->is_dying.load());
    auto i = info(12);
    EXPECT_TRUE(i.flags & XEN_DOMINF_shutdown);
    EXPECT_FALSE(i.flags & XEN_DOMINF_dying);
    EXPECT_EQ((i.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
              unsigned{SHUTDOWN_crash});
    domain_shutdown(*d, ShutdownReason::poweroff); // the first reason stays
    EXPECT_EQ((info(12).flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
              unsigned{SHUTDOWN_crash});
    clear_pending(*ctl, dom_exc);
    EXPECT_EQ(destroy(12), 0);
    EXPECT_TRUE(port_pending(*ctl, dom_exc));
    EXPECT_EQ(find(12), nullptr);
}

TEST_F(CreatedomainTest, ShutdownCodeSetBeforeIsTheReasonReported) {
    ASSERT_EQ(create(12, libxl_pvh(1)), 12);
    Domain* d = find(12);
    d->shutdown_code = SHUTDOWN_suspend; // SCHEDOP_shutdown_code
    domain_shutdown(*d, ShutdownReason::crash);
    EXPECT_EQ(d->shutdown_reason, ShutdownReason::suspend);
    EXPECT_EQ((info(12).flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
              unsigned{SHUTDOWN_suspend});
}

TEST_F(CreatedomainTest, SchedopShutdownCodeFirstWinsThenRemoteShutdownKeepsIt) {
    ASSERT_EQ(create(12, libxl_pvh(1)), 12);
    xen_domctl op = make(XEN_DOMCTL_max_vcpus, 12);
    op.u.max_vcpus.max = 1;
    ASSERT_EQ(call(op), 0);
    Domain* d = find(12);
    Vcpu& v = *d->vcpus[0];
    constexpr uint64_t gva = 0x800;
    auto code = [&](uint32_t reason) {
        sched_shutdown s{reason};
        std::memcpy(arch::fake_guest_memory().data() + gva, &s, sizeof(s));
        return do_sched_op(v, HypercallArgs{{SCHEDOP_shutdown_code, gva, 0, 0, 0}});
    };
    EXPECT_EQ(code(SHUTDOWN_suspend), 0);
    EXPECT_EQ(code(SHUTDOWN_reboot), 0) << "accepted, but the first code stays";
    EXPECT_EQ(d->shutdown_code.load(), unsigned{SHUTDOWN_suspend});
    sched_remote_shutdown rs{12, SHUTDOWN_poweroff};
    std::memcpy(arch::fake_guest_memory().data() + gva, &rs, sizeof(rs));
    EXPECT_EQ(do_sched_op(*cv, HypercallArgs{{SCHEDOP_remote_shutdown, gva, 0, 0, 0}}), 0);
    EXPECT_EQ(d->shutdown_reason, ShutdownReason::suspend) << "the recorded code is the reason";
    EXPECT_NE(find(12), nullptr);
}

TEST_F(CreatedomainTest, ADeadDomainStillMappedIsAZombieWhoseIdIsNotReused) {
    ASSERT_EQ(create(0, libxl_pvh(1)), 1);
    Domain* d = find(1);
    ASSERT_TRUE(domain_hold(*d)); // as another domain's mapping of one of its pages
    clear_pending(*ctl, dom_exc);
    EXPECT_EQ(destroy(1), 0);
    EXPECT_TRUE(port_pending(*ctl, dom_exc)) << "dead";
    EXPECT_NE(find(1), nullptr);
    EXPECT_TRUE(info(1).flags & XEN_DOMINF_dying);
    EXPECT_EQ(create(1, libxl_pvh(1)), neg(Errno::XEN_EEXIST));
    createdomain_set_rover(0);
    EXPECT_EQ(create(0, libxl_pvh(1)), 2) << "the zombie's ID is skipped";
    EXPECT_EQ(destroy(1), 0) << "destroying a dead domain again does nothing";
    clear_pending(*ctl, dom_exc);
    domain_unhold(*d);
    EXPECT_EQ(find(1), nullptr);
    EXPECT_TRUE(port_pending(*ctl, dom_exc)) << "gone";
    EXPECT_EQ(create(1, libxl_pvh(1)), 1) << "free again";
}

TEST_F(CreatedomainTest, CreateDestroyCyclesReturnEveryAllocation) {
    const size_t bytes = xmalloc_bytes_in_use();
    const unsigned domains = nr_domains();
    for (int i = 0; i < 20; ++i) {
        const long id = create(0, libxl_pvh(2));
        ASSERT_GT(id, 0);
        xen_domctl op = make(XEN_DOMCTL_max_vcpus, static_cast<Domid>(id));
        op.u.max_vcpus.max = 2;
        ASSERT_EQ(call(op), 0);
        ASSERT_EQ(destroy(static_cast<Domid>(id)), 0);
    }
    EXPECT_EQ(nr_domains(), domains);
    EXPECT_EQ(xmalloc_bytes_in_use(), bytes);
}

} // namespace
} // namespace cxen
