// Unit tests of sysctl (common/hypercall/sysctl.cpp) as a domain without
// privilege sees it: the struct is copied whole, the interface version is
// checked before the privilege, as Xen 4.17's do_sysctl(). And
// XEN_SYSCTL_getdomaininfolist as the control domain sees it.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <tuple>

#include "abi/xen/domctl.hpp"
#include "abi/xen/sysctl.hpp"
#include "arch/guest_access.hpp"
#include "arch/host_cpu.hpp"
#include "arch/time.hpp"
#include "common/console/printk.hpp"
#include "common/domain.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr uint64_t arg_gva = 0x100;

constexpr long neg(Errno e) { return -static_cast<long>(e); }

class SysctlTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0);
        d = domain_create(5, "domu", 1).value();
        v = vcpu_create(*d, 0, 0).value();
    }
    void TearDown() override {
        domain_destroy(*d);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    long call(const xen_sysctl& op, uint64_t gva = arg_gva) {
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        return do_sysctl(*v, HypercallArgs{{gva, 0, 0, 0, 0}});
    }
    Domain* d = nullptr;
    Vcpu* v = nullptr;
};

TEST_F(SysctlTest, DomUWithTheRightVersionGetsEperm) {
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_livepatch_op;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));
    op.cmd = XEN_SYSCTL_physinfo;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));
}

TEST_F(SysctlTest, WrongInterfaceVersionIsEaccesBeforePrivilege) {
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_physinfo;
    for (uint32_t version : {0u, 0x14u, 0x16u, 0xffffffffu}) {
        op.interface_version = version;
        EXPECT_EQ(call(op), neg(Errno::XEN_EACCES)) << version;
    }
}

TEST_F(SysctlTest, BadPointerIsEfault) {
    EXPECT_EQ(do_sysctl(*v, HypercallArgs{{1ull << 40, 0, 0, 0, 0}}), neg(Errno::XEN_EFAULT));
    // The whole struct is copied: one that runs off the end of guest memory faults.
    EXPECT_EQ(do_sysctl(*v, HypercallArgs{{4096 - 8, 0, 0, 0, 0}}), neg(Errno::XEN_EFAULT));
}

constexpr uint64_t list_gva = 0x400; // room for 3 entries of 112 bytes below 4096 - 0x400

TEST_F(SysctlTest, ControlDomainListsDomainsInIdOrderFromFirstUpToMax) {
    d->is_privileged = true;
    Domain* d9 = domain_create(9, "nine", 1).value();
    Domain* d2 = domain_create(2, "two", 1).value();
    d9->max_pages = 99;
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_getdomaininfolist;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    op.u.getdomaininfolist.first_domain = 0;
    op.u.getdomaininfolist.max_domains = 8;
    set_xen_guest_handle(op.u.getdomaininfolist.buffer, reinterpret_cast<xen_domctl_getdomaininfo_t*>(list_gva));
    auto entry = [](unsigned i) {
        xen_domctl_getdomaininfo info;
        std::memcpy(&info, arch::fake_guest_memory().data() + list_gva + i * sizeof(info), sizeof(info));
        return info;
    };
    auto reported = [] {
        xen_sysctl back;
        std::memcpy(&back, arch::fake_guest_memory().data() + arg_gva, sizeof(back));
        return back.u.getdomaininfolist.num_domains;
    };
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(reported(), 3u);
    EXPECT_EQ(entry(0).domain, 2); // ID order, whatever the creation order
    EXPECT_EQ(entry(1).domain, 5);
    EXPECT_EQ(entry(2).domain, 9);
    EXPECT_EQ(entry(2).max_pages, 99u);
    EXPECT_TRUE(entry(1).flags & XEN_DOMINF_hvm_guest);

    op.u.getdomaininfolist.first_domain = 3; // from 3 up: 5 and 9
    op.u.getdomaininfolist.max_domains = 1;  // but only one
    std::memset(arch::fake_guest_memory().data() + list_gva, 0, 3 * sizeof(xen_domctl_getdomaininfo));
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(reported(), 1u);
    EXPECT_EQ(entry(0).domain, 5);
    EXPECT_EQ(entry(1).domain, 0); // nothing written past max_domains

    op.u.getdomaininfolist.first_domain = 10; // none at or above
    op.u.getdomaininfolist.max_domains = 8;
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(reported(), 0u);

    // A buffer that runs off guest memory: -EFAULT, and no count copied back.
    op.u.getdomaininfolist.first_domain = 0;
    set_xen_guest_handle(op.u.getdomaininfolist.buffer, reinterpret_cast<xen_domctl_getdomaininfo_t*>(4096 - 200));
    op.u.getdomaininfolist.num_domains = 77;
    EXPECT_EQ(call(op), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(reported(), 77u);

    // Other sub-ops: not implemented yet, said so after the checks.
    op.cmd = XEN_SYSCTL_debug_keys;
    EXPECT_EQ(call(op), neg(Errno::XEN_ENOSYS));
    domain_destroy(*d2);
    domain_destroy(*d9);
}

TEST_F(SysctlTest, ControlDomainReadsTheConsoleHistoryAsXlDmesgDoes) {
    d->is_privileged = true;
    constexpr uint64_t buf_gva = 0x800;
    auto read = [&](uint32_t count, bool incremental, uint32_t index, bool clear) {
        std::memset(arch::fake_guest_memory().data() + buf_gva, 0, 4096 - buf_gva);
        xen_sysctl op{};
        op.cmd = XEN_SYSCTL_readconsole;
        op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
        op.u.readconsole.count = count;
        op.u.readconsole.incremental = incremental;
        op.u.readconsole.index = index;
        op.u.readconsole.clear = clear;
        set_xen_guest_handle(op.u.readconsole.buffer, reinterpret_cast<char*>(buf_gva));
        const long rc = call(op);
        xen_sysctl back;
        std::memcpy(&back, arch::fake_guest_memory().data() + arg_gva, sizeof(back));
        std::string text(reinterpret_cast<const char*>(arch::fake_guest_memory().data() + buf_gva),
                         rc == 0 ? back.u.readconsole.count : 0);
        return std::make_tuple(rc, text, back.u.readconsole.index);
    };
    // Consume what the test process printed before (clear), then the
    // history holds the marker, as printed on the console.
    for (int i = 0; i < 100 && !std::get<1>(read(2048, false, 0, true)).empty(); ++i) {
    }
    printk("readconsole marker %d\n", 42);
    auto [rc, text, end] = read(2048, false, 0, false);
    ASSERT_EQ(rc, 0);
    EXPECT_EQ(text, "(XEN) readconsole marker 42\n");
    // Incremental from `end`: nothing new; then only what came after.
    auto [rc2, text2, end2] = read(1000, true, end, false);
    EXPECT_EQ(rc2, 0);
    EXPECT_EQ(text2, "");
    EXPECT_EQ(end2, end);
    printk("second line\n");
    auto [rc3, text3, end3] = read(1000, true, end, false);
    EXPECT_EQ(text3, "(XEN) second line\n");
    EXPECT_EQ(end3, end + text3.size());
    // count bounds the read; clear consumes what was read.
    auto [rc4, text4, end4] = read(5, true, end, true);
    EXPECT_EQ(text4, "(XEN)");
    auto [rc5, text5, end5] = read(1000, false, 0, false); // from the consumer: after the clear
    EXPECT_EQ(text5, " second line\n");
    (void)rc3; (void)rc4; (void)rc5; (void)end4; (void)end5;
    // A buffer off the end of guest memory: -EFAULT.
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_readconsole;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    op.u.readconsole.count = 100;
    set_xen_guest_handle(op.u.readconsole.buffer, reinterpret_cast<char*>(4096 - 4));
    EXPECT_EQ(call(op), neg(Errno::XEN_EFAULT));
}

xen_sysctl sysctl_op(uint32_t cmd) {
    xen_sysctl op{};
    op.cmd = cmd;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return op;
}
xen_sysctl returned() {
    xen_sysctl back;
    std::memcpy(&back, arch::fake_guest_memory().data() + arg_gva, sizeof(back));
    return back;
}

TEST_F(SysctlTest, ControlDomainGetsPhysinfoAndTheSchedulerId) {
    d->is_privileged = true;
    EXPECT_EQ(call(sysctl_op(XEN_SYSCTL_physinfo)), 0);
    const xen_sysctl back = returned();
    EXPECT_EQ(back.u.physinfo.nr_cpus, 2u); // the fake host
    EXPECT_EQ(back.u.physinfo.max_cpu_id, 1u);
    EXPECT_EQ(back.u.physinfo.nr_nodes, 1u);
    EXPECT_EQ(back.u.physinfo.cpu_khz, arch::fake_tsc_khz);
    EXPECT_TRUE(back.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_hap);
    xen_sysctl op = sysctl_op(XEN_SYSCTL_sched_id);
    op.u.sched_id.sched_id = 99;
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(returned().u.sched_id.sched_id, 0u); // rr, the default (no Xen ID)
}

constexpr uint64_t table_gva = 0x600;

TEST_F(SysctlTest, CputopoinfoSizesWithNullThenFillsAndTruncates) {
    d->is_privileged = true;
    xen_sysctl op = sysctl_op(XEN_SYSCTL_cputopoinfo);
    op.u.cputopoinfo.num_cpus = 0;
    EXPECT_EQ(call(op), 0); // NULL handle: how many
    EXPECT_EQ(returned().u.cputopoinfo.num_cpus, 2u);
    set_xen_guest_handle(op.u.cputopoinfo.cputopo, reinterpret_cast<xen_sysctl_cputopo_t*>(table_gva));
    op.u.cputopoinfo.num_cpus = 8; // more room than pCPUs: says 2
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(returned().u.cputopoinfo.num_cpus, 2u);
    xen_sysctl_cputopo t[2];
    std::memcpy(t, arch::fake_guest_memory().data() + table_gva, sizeof(t));
    EXPECT_EQ(t[1].core, arch::fake_host_cpus[1].core);
    EXPECT_EQ(t[1].socket, arch::fake_host_cpus[1].socket);
    EXPECT_EQ(t[1].node, 0u);
    op.u.cputopoinfo.num_cpus = 1; // less: one entry, no -ENOBUFS (Xen 4.17 truncates)
    std::memset(arch::fake_guest_memory().data() + table_gva, 0xee, 2 * sizeof(xen_sysctl_cputopo));
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(returned().u.cputopoinfo.num_cpus, 1u);
    EXPECT_EQ(arch::fake_guest_memory()[table_gva + sizeof(xen_sysctl_cputopo)], 0xee);
    set_xen_guest_handle(op.u.cputopoinfo.cputopo, reinterpret_cast<xen_sysctl_cputopo_t*>(4096 - 4));
    op.u.cputopoinfo.num_cpus = 77;
    EXPECT_EQ(call(op), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(returned().u.cputopoinfo.num_cpus, 77u); // nothing copied back
}

TEST_F(SysctlTest, NumainfoSizesWithNullThenFillsMeminfoAndDistances) {
    d->is_privileged = true;
    xen_sysctl op = sysctl_op(XEN_SYSCTL_numainfo);
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(returned().u.numainfo.num_nodes, 1u);
    constexpr uint64_t dist_gva = table_gva + 0x100;
    set_xen_guest_handle(op.u.numainfo.meminfo, reinterpret_cast<xen_sysctl_meminfo_t*>(table_gva));
    set_xen_guest_handle(op.u.numainfo.distance, reinterpret_cast<uint32_t*>(dist_gva));
    op.u.numainfo.num_nodes = 4;
    std::memset(arch::fake_guest_memory().data() + table_gva, 0xee, 0x200);
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(returned().u.numainfo.num_nodes, 1u);
    xen_sysctl_meminfo m;
    std::memcpy(&m, arch::fake_guest_memory().data() + table_gva, sizeof(m));
    EXPECT_EQ(m.memfree % 4096, 0u);
    EXPECT_GE(m.memsize, m.memfree);
    uint32_t dist;
    std::memcpy(&dist, arch::fake_guest_memory().data() + dist_gva, sizeof(dist));
    EXPECT_EQ(dist, 10u);
    EXPECT_EQ(arch::fake_guest_memory()[dist_gva + 4], 0xee); // a 1x1 matrix
    set_xen_guest_handle(op.u.numainfo.distance, reinterpret_cast<uint32_t*>(4096 - 2));
    EXPECT_EQ(call(op), neg(Errno::XEN_EFAULT));
}

TEST_F(SysctlTest, CpupoolOpGoesThroughAndIsCopiedBack) {
    d->is_privileged = true;
    xen_sysctl op = sysctl_op(XEN_SYSCTL_cpupool_op);
    op.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
    op.u.cpupool_op.n_dom = 1234;
    EXPECT_EQ(call(op), 0); // a NULL map of 0 bits is fine
    EXPECT_EQ(returned().u.cpupool_op.n_dom, nr_domains());
    op.u.cpupool_op.cpupool_id = 1;
    EXPECT_EQ(call(op), neg(Errno::XEN_ENOENT));
}

TEST_F(SysctlTest, DomUGetsEpermForTheNewSubOpsToo) {
    for (uint32_t cmd : {XEN_SYSCTL_physinfo, XEN_SYSCTL_sched_id, XEN_SYSCTL_cputopoinfo, XEN_SYSCTL_numainfo,
                         XEN_SYSCTL_cpupool_op})
        EXPECT_EQ(call(sysctl_op(cmd)), neg(Errno::XEN_EPERM)) << cmd;
}

TEST_F(SysctlTest, DomUCannotListDomains) {
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_getdomaininfolist;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    op.u.getdomaininfolist.max_domains = 8;
    set_xen_guest_handle(op.u.getdomaininfolist.buffer, reinterpret_cast<xen_domctl_getdomaininfo_t*>(list_gva));
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));
}

} // namespace
} // namespace cxen
