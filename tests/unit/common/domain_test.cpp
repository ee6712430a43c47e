#include "common/domain.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

#include "arch/cpu.hpp"
#include "arch/vcpu.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/softirq.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

using HostPages = test::HostPageSource;
HostPages host_pages;

class DomainPauseTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        auto created = domain_create(7, "paused", 2);
        ASSERT_TRUE(created.ok());
        d = created.value();
        ASSERT_TRUE(vcpu_create(*d, 0, 3).ok());
        ASSERT_TRUE(vcpu_create(*d, 1, 5).ok());
        arch::fake_kicks = 0;
        drain_softirqs(); // start from a clean slate
    }
    static void drain_softirqs() {
        for (unsigned cpu : {0u, 3u, 5u}) {
            arch::current_cpu = cpu;
            process_pending_softirqs();
        }
        arch::current_cpu = 0;
    }
    void TearDown() override {
        drain_softirqs();
        domain_destroy(*d);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    Domain* d = nullptr;
};

TEST_F(DomainPauseTest, PauseKicksEveryVcpuAndNests) {
    EXPECT_FALSE(domain_is_paused(*d));
    domain_pause(*d);
    EXPECT_TRUE(domain_is_paused(*d));
    EXPECT_EQ(arch::fake_kicks, 2u); // both vCPUs told to leave their pCPUs
    domain_pause(*d);
    domain_unpause(*d);
    EXPECT_TRUE(domain_is_paused(*d)) << "one pause is still held";
    domain_unpause(*d);
    EXPECT_FALSE(domain_is_paused(*d));
}

TEST_F(DomainPauseTest, LastUnpauseWakesTheVcpusPcpus) {
    domain_pause(*d);
    EXPECT_FALSE(softirq_pending(3));
    domain_unpause(*d);
    EXPECT_TRUE(softirq_pending(3)) << "vCPU 0's pCPU must reschedule";
    EXPECT_TRUE(softirq_pending(5)) << "vCPU 1's pCPU must reschedule";
    drain_softirqs();
}

TEST_F(DomainPauseTest, UnbalancedUnpauseIsABug) {
    EXPECT_DEATH(domain_unpause(*d), "before > 0");
}

} // namespace
// Names as libxl has them: any string, found again by domain_by_name().
TEST_F(DomainPauseTest, DomainsAreFoundByName) {
    auto other = domain_create(8, "invlpg~hap", 1);
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(domain_by_name("invlpg~hap"), other.value());
    EXPECT_EQ(domain_by_name("paused"), d);
    EXPECT_EQ(domain_by_name("invlpg"), nullptr);
    domain_destroy(*other.value());
    EXPECT_EQ(domain_by_name("invlpg~hap"), nullptr);
}

} // namespace cxen
