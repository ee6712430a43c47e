// What physinfo, cputopoinfo and numainfo say of the host
// (common/host_info.cpp), over the fake host of tests/unit/fakes/arch/host_cpu.hpp.
#include <gtest/gtest.h>

#include "arch/host_cpu.hpp"
#include "arch/time.hpp"
#include "common/host_info.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"

namespace cxen {
namespace {

/// Restores the fake host after each test.
class HostInfoTest : public ::testing::Test {
  protected:
    void SetUp() override {
        saved_n = arch::fake_nr_host_cpus;
        for (unsigned i = 0; i < 8; ++i)
            saved[i] = arch::fake_host_cpus[i];
        PageAllocator& pa = page_allocator();
        if (pa.nr_frames() == 0) { // the global allocator of the fakes starts empty
            static PageInfo frames[64];
            pa.init(frames, 64);
            pa.add_free_range(Mfn{8}, 40);
        }
    }
    void TearDown() override {
        arch::fake_nr_host_cpus = saved_n;
        for (unsigned i = 0; i < 8; ++i)
            arch::fake_host_cpus[i] = saved[i];
    }
    /// Two sockets of two cores of two threads (APIC IDs 0-7).
    static void eight_cpus() {
        arch::fake_nr_host_cpus = 8;
        for (uint32_t i = 0; i < 8; ++i)
            arch::fake_host_cpus[i] = {i, 100 + i, (i >> 1) & 1, i >> 2, true};
    }
    unsigned saved_n = 0;
    arch::HostCpu saved[8];
};

TEST_F(HostInfoTest, PhysinfoCountsTopologyAsXenFromCpu0sSiblings) {
    eight_cpus();
    xen_sysctl_physinfo pi;
    host_physinfo(pi);
    EXPECT_EQ(pi.threads_per_core, 2u);
    EXPECT_EQ(pi.cores_per_socket, 2u);
    EXPECT_EQ(pi.nr_cpus, 8u);
    EXPECT_EQ(pi.max_cpu_id, 7u);
    EXPECT_EQ(pi.nr_nodes, 1u);
    EXPECT_EQ(pi.max_node_id, 63u); // Xen's MAX_NUMNODES - 1, whatever the host
    EXPECT_EQ(host_nr_cpu_ids(), 8u);
}

TEST_F(HostInfoTest, OfflinePcpusAreNotCounted) {
    eight_cpus();
    arch::fake_host_cpus[1].online = false; // pCPU 0's sibling
    xen_sysctl_physinfo pi;
    host_physinfo(pi);
    EXPECT_EQ(pi.nr_cpus, 7u);
    EXPECT_EQ(pi.threads_per_core, 1u);
    EXPECT_EQ(pi.cores_per_socket, 3u); // 3 online in pCPU 0's socket, one thread each as counted
    EXPECT_EQ(pi.max_cpu_id, 7u);       // nr_cpu_ids is about present pCPUs
}

TEST_F(HostInfoTest, PhysinfoReportsOnlyWhatCxenHasAndTheAllocatorsNumbers) {
    xen_sysctl_physinfo pi;
    host_physinfo(pi);
    EXPECT_EQ(pi.capabilities, XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
                                   XEN_SYSCTL_PHYSCAP_gnttab_v1 | XEN_SYSCTL_PHYSCAP_gnttab_v2);
    EXPECT_FALSE(pi.capabilities &
                 (XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_shadow | XEN_SYSCTL_PHYSCAP_directio |
                  XEN_SYSCTL_PHYSCAP_vmtrace | XEN_SYSCTL_PHYSCAP_vpmu));
    const PageAllocator& pa = page_allocator();
    ASSERT_GT(pa.nr_frames(), 0u);
    EXPECT_EQ(pi.total_pages, pa.total_pages());
    EXPECT_EQ(pi.free_pages, pa.free_pages());
    EXPECT_EQ(pi.max_mfn, pa.nr_frames() - 1);
    EXPECT_EQ(pi.outstanding_pages, 0u);
    EXPECT_EQ(pi.scrub_pages, 0u);
    EXPECT_EQ(pi.cpu_khz, arch::tsc_khz()); // xl info's cpu_mhz is cpu_khz / 1000
    for (unsigned i = 0; i < 8; ++i)
        EXPECT_EQ(pi.hw_cap[i], arch::fake_host_features[i]) << i;
}

TEST_F(HostInfoTest, CputopoOfAbsentPcpuIsInvalidTriple) {
    eight_cpus();
    const xen_sysctl_cputopo t = host_cputopo(6);
    EXPECT_EQ(t.core, 1u);
    EXPECT_EQ(t.socket, 1u);
    EXPECT_EQ(t.node, 0u);
    const xen_sysctl_cputopo none = host_cputopo(8);
    EXPECT_EQ(none.core, XEN_INVALID_CORE_ID);
    EXPECT_EQ(none.socket, XEN_INVALID_SOCKET_ID);
    EXPECT_EQ(none.node, XEN_INVALID_NODE_ID);
}

TEST_F(HostInfoTest, NodeZeroSpansTheFrameTableAndHasTheFreeMemory) {
    const PageAllocator& pa = page_allocator();
    const xen_sysctl_meminfo m = host_node_meminfo(0);
    EXPECT_EQ(m.memsize, pa.nr_frames() * 4096);
    EXPECT_EQ(m.memfree, pa.free_pages() * 4096);
    EXPECT_EQ(host_node_meminfo(1).memsize, uint64_t{XEN_INVALID_MEM_SZ});
    EXPECT_EQ(host_node_distance(0, 0), 10u);
    EXPECT_EQ(host_node_distance(0, 1), XEN_INVALID_NODE_DIST);
}

} // namespace
} // namespace cxen
