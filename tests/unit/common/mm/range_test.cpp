#include "common/mm/range.hpp"

#include <gtest/gtest.h>
#include <random>
#include <vector>

using cxen::Range;

namespace {
std::vector<std::pair<uint64_t, uint64_t>> pieces(Range r, const std::vector<Range>& holes) {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    cxen::for_each_uncovered(r, holes.data(), holes.size(),
                             [&](Range p) { out.emplace_back(p.start, p.end); });
    return out;
}
} // namespace

TEST(Range, NoHolesGivesWholeRange) {
    EXPECT_EQ(pieces({10, 20}, {}), (std::vector<std::pair<uint64_t, uint64_t>>{{10, 20}}));
}

TEST(Range, HolesSplitTheRangeInOrder) {
    auto p = pieces({0, 100}, {{40, 50}, {10, 20}, {90, 200}});
    EXPECT_EQ(p, (std::vector<std::pair<uint64_t, uint64_t>>{{0, 10}, {20, 40}, {50, 90}}));
}

TEST(Range, OverlappingAndCoveringHoles) {
    EXPECT_TRUE(pieces({10, 20}, {{0, 15}, {12, 30}}).empty());
    auto p = pieces({0, 100}, {{10, 30}, {20, 40}, {35, 36}, {0, 0}});
    EXPECT_EQ(p, (std::vector<std::pair<uint64_t, uint64_t>>{{0, 10}, {40, 100}}));
}

TEST(Range, RandomisedAgainstByteModel) {
    std::mt19937 rng(7);
    for (int iter = 0; iter < 500; ++iter) {
        Range r{rng() % 64, 64 + rng() % 64};
        std::vector<Range> holes;
        for (int h = rng() % 6; h > 0; --h) {
            uint64_t s = rng() % 140;
            holes.push_back({s, s + rng() % 30});
        }
        std::vector<bool> expect(140, false), got(140, false);
        for (uint64_t b = r.start; b < r.end; ++b) {
            bool covered = false;
            for (auto& h : holes) covered |= (h.start <= b && b < h.end);
            expect[b] = !covered;
        }
        uint64_t last_end = 0;
        for (auto [s, e] : pieces(r, holes)) {
            ASSERT_LT(s, e);
            ASSERT_GE(s, last_end);
            last_end = e;
            for (uint64_t b = s; b < e; ++b) got[b] = true;
        }
        ASSERT_EQ(expect, got) << "iteration " << iter;
    }
}
