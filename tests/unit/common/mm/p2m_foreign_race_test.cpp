// Foreign entries of the p2m writer (p2m_add_foreign(),
// p2m_remove_from_physmap()) under concurrency, also in the TSan binary:
// two vCPUs of the hardware domain mapping and unmapping the same gfns while
// the foreign domain gives its frames back and takes new ones, and a
// foreign domain destroyed while it is being mapped. Afterwards no frame,
// grant table or heap block is left over (the fixture's TearDown), no
// reference is held, and a destroyed domain leaves the table.
#include <atomic>
#include <thread>

#include "../grant/grant_fixture.hpp"
#include "common/mm/p2m.hpp"

namespace cxen::test {
namespace {

using arch::P2mType;

class P2mForeignRace : public GrantTest {
  protected:
    void SetUp() override {
        GrantTest::SetUp();
        dom0 = &make(0);
        dom0->is_privileged = true;
        domu = &make(1);
    }
    Domain* dom0 = nullptr;
    Domain* domu = nullptr;
};

constexpr uint64_t first = 0x10, hole = 0x80000;
constexpr unsigned n = 16, rounds = 300;

TEST_F(P2mForeignRace, TwoMappersAndTheOwnerChangingItsFrames) {
    for (unsigned i = 0; i < n; ++i) give_ram(*domu, first + i);
    const uint32_t holds = domu->holds.load();
    std::atomic<bool> stop{false};
    std::atomic<long> bad{0};
    auto mapper = [&] {
        for (unsigned r = 0; r < rounds; ++r) {
            for (unsigned i = 0; i < n; ++i) {
                const Status st = p2m_add_foreign(*dom0, Gfn{hole + i}, *domu, Gfn{first + i});
                // The other mapper got there first, or the owner's frame is away.
                if (!st && st.error() != Errno::XEN_ENXIO && st.error() != Errno::XEN_EINVAL) ++bad;
            }
            for (unsigned i = 0; i < n; ++i) {
                const Status st = p2m_remove_from_physmap(*dom0, Gfn{hole + i});
                if (!st && st.error() != Errno::XEN_ENOENT) ++bad;
            }
        }
    };
    // The owner gives frames back (they stay allocated while mapped) and
    // populates new ones at the same gfns.
    std::thread owner([&] {
        while (!stop.load()) {
            for (unsigned i = 0; i < n; i += 3) {
                if (p2m_remove_page(*domu, Gfn{first + i})) (void)p2m_populate(*domu, Gfn{first + i}, 0);
            }
        }
    });
    std::thread a(mapper), b(mapper);
    a.join();
    b.join();
    stop.store(true);
    owner.join();
    EXPECT_EQ(bad.load(), 0);
    for (unsigned i = 0; i < n; ++i) {
        EXPECT_EQ(p2m(*dom0, hole + i).type, P2mType::invalid);
        EXPECT_EQ(page_ref_count(p2m(*domu, first + i).mfn), 0u);
    }
    EXPECT_EQ(domu->holds.load(), holds) << "every hold released";
    EXPECT_EQ(dom0->foreign_maps.size(), 0u);
}

TEST_F(P2mForeignRace, TheForeignDomainDestroyedWhileBeingMapped) {
    for (unsigned i = 0; i < n; ++i) give_ram(*domu, first + i);
    DomainRef keep; // what the hypercall's lookup holds
    ASSERT_TRUE(domain_ref_by_id(1, keep).ok());
    const unsigned listed = nr_domains();
    std::atomic<unsigned> started{0};
    std::thread mapper([&] {
        for (unsigned r = 0; r < rounds; ++r) {
            for (unsigned i = 0; i < n; ++i) (void)p2m_add_foreign(*dom0, Gfn{hole + i}, *domu, Gfn{first + i});
            started.fetch_add(1);
            // Keep some mapped across the destruction: remove every other one.
            for (unsigned i = 0; i < n; i += 2) (void)p2m_remove_from_physmap(*dom0, Gfn{hole + i});
        }
    });
    while (started.load() < rounds / 3) {
    }
    destroy(*domu);
    mapper.join();
    EXPECT_EQ(nr_domains(), listed) << "dead, held listed by the frames still mapped";
    for (unsigned i = 0; i < n; ++i) (void)p2m_remove_from_physmap(*dom0, Gfn{hole + i});
    EXPECT_EQ(nr_domains(), listed - 1) << "gone with the last foreign entry";
    EXPECT_EQ(dom0->foreign_maps.size(), 0u);
}

} // namespace
} // namespace cxen::test
