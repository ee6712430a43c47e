// A domain's claim (common/mm/claim.cpp) over the page allocator: the
// domain's page count and max_pages in domain_set_outstanding_pages(), the
// unlocked fast path of domain_adjust_claim().
#include "common/mm/claim.hpp"

#include "../grant/grant_fixture.hpp"
#include "common/mm/p2m.hpp"

namespace cxen::test {
namespace {

class ClaimTest : public GrantTest {};

TEST_F(ClaimTest, TheDomainsPagesCountTowardsItsClaim) {
    Domain& d = make(1);
    d.max_pages = 10;
    give_ram(d, 0x10);
    give_ram(d, 0x11);
    EXPECT_EQ(domain_set_outstanding_pages(d, 2).error(), Errno::XEN_EINVAL); // not above the 2 it has
    EXPECT_EQ(domain_set_outstanding_pages(d, 11).error(), Errno::XEN_EINVAL); // above max_pages
    ASSERT_TRUE(domain_set_outstanding_pages(d, 10).ok());
    EXPECT_EQ(d.outstanding_pages.load(), 8u);
    EXPECT_EQ(grant_machine().outstanding_pages(), 8u);
    domain_adjust_claim(d, 3);
    EXPECT_EQ(d.outstanding_pages.load(), 5u);
    ASSERT_TRUE(domain_set_outstanding_pages(d, 0).ok());
    EXPECT_EQ(grant_machine().outstanding_pages(), 0u);
}

TEST_F(ClaimTest, AdjustWithoutAClaimChangesNothing) {
    Domain& d = make(1);
    domain_adjust_claim(d, 5);
    domain_adjust_claim(d, -5);
    EXPECT_EQ(d.outstanding_pages.load(), 0u);
    EXPECT_EQ(grant_machine().outstanding_pages(), 0u);
}

TEST_F(ClaimTest, DestroyCancelsTheClaim) {
    Domain& d = make(1);
    ASSERT_TRUE(domain_set_outstanding_pages(d, 100).ok());
    EXPECT_EQ(grant_machine().outstanding_pages(), 100u);
    destroy(d);
    EXPECT_EQ(grant_machine().outstanding_pages(), 0u);
}

} // namespace
} // namespace cxen::test
