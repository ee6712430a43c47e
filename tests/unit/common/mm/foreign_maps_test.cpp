// The per-domain record of foreign entries' holders (foreign_maps.cpp): an
// open-addressing table keyed by gfn with backward-shift deletion, checked
// against std::map over random inserts and removals, through growth.
#include "common/mm/foreign_maps.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

struct ForeignMapsTest : ::testing::Test {
    void SetUp() override {
        static test::HostPageSource pages;
        heap_init(pages);
    }
    void TearDown() override { EXPECT_EQ(xmalloc_bytes_in_use(), 0u); }
};

void* tag(uint64_t v) { return reinterpret_cast<void*>(v); }

TEST_F(ForeignMapsTest, TakeReturnsWhatWasInsertedOnce) {
    ForeignMaps m;
    ASSERT_TRUE(m.reserve_one().ok());
    m.insert(0x80000, ForeignHolder{nullptr, tag(7)});
    EXPECT_EQ(m.size(), 1u);
    EXPECT_EQ(m.take(0x80001).obj, nullptr) << "not recorded";
    EXPECT_EQ(m.take(0x80000).obj, tag(7));
    EXPECT_EQ(m.take(0x80000).obj, nullptr) << "taken once";
    EXPECT_EQ(m.size(), 0u);
}

TEST_F(ForeignMapsTest, MatchesAMapThroughGrowthAndRandomRemovals) {
    ForeignMaps m;
    std::map<uint64_t, uint64_t> ref;
    std::mt19937_64 rng(12);
    for (unsigned step = 0; step < 20000; ++step) {
        // Runs of gfns, as Linux's unpopulated ranges, and collisions by design.
        const uint64_t gfn = (rng() % 4 == 0) ? rng() % (1ull << 36) : 0x100000 + rng() % 3000;
        if (ref.count(gfn)) {
            EXPECT_EQ(m.take(gfn).obj, tag(ref[gfn]));
            ref.erase(gfn);
        } else {
            ASSERT_TRUE(m.reserve_one().ok());
            m.insert(gfn, ForeignHolder{nullptr, tag(step + 1)});
            ref[gfn] = step + 1;
        }
        ASSERT_EQ(m.size(), ref.size());
    }
    for (const auto& [gfn, v] : ref) EXPECT_EQ(m.take(gfn).obj, tag(v)) << gfn;
    EXPECT_EQ(m.size(), 0u);
}

TEST_F(ForeignMapsTest, TakeAllHandsEveryHolderOverOnce) {
    ForeignMaps m;
    for (uint64_t g = 0; g < 100; ++g) {
        ASSERT_TRUE(m.reserve_one().ok());
        m.insert(g * 512, ForeignHolder{nullptr, tag(g + 1)});
    }
    uint64_t sum = 0;
    m.take_all([](ForeignHolder h, void* ctx) { *static_cast<uint64_t*>(ctx) += reinterpret_cast<uint64_t>(h.obj); },
               &sum);
    EXPECT_EQ(sum, 100u * 101 / 2);
    EXPECT_EQ(m.size(), 0u);
}

} // namespace
} // namespace cxen
