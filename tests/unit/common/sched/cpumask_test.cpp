// Unit tests of CpuMask (common/sched/cpumask.hpp), Xen's cpumask_t.
#include "common/sched/cpumask.hpp"

#include <gtest/gtest.h>

namespace cxen {
namespace {

TEST(CpuMask, SetClearTestAndWeightAcrossWords) {
    CpuMask m;
    EXPECT_TRUE(m.empty());
    m.set(0);
    m.set(63);
    m.set(CpuMask::nr_bits); // out of range: ignored
    EXPECT_TRUE(m.test(0) && m.test(63));
    EXPECT_FALSE(m.test(1) || m.test(CpuMask::nr_bits));
    EXPECT_EQ(m.weight(), 2u);
    m.clear(0);
    EXPECT_EQ(m.first(), 63u);
    EXPECT_EQ(CpuMask::all().weight(), CpuMask::nr_bits);
    EXPECT_EQ(CpuMask::first_n(3).weight(), 3u);
}

TEST(CpuMask, NextAndCycleWrapLikeXens) {
    CpuMask m;
    m.set(2);
    m.set(5);
    EXPECT_EQ(m.next(3), 5u);
    EXPECT_EQ(m.next(6), CpuMask::nr_bits);
    EXPECT_EQ(m.cycle(2), 5u);
    EXPECT_EQ(m.cycle(5), 2u); // wraps
    EXPECT_EQ(m.cycle(CpuMask::nr_bits - 1), 2u);
    EXPECT_EQ(CpuMask{}.cycle(0), CpuMask::nr_bits);
}

TEST(CpuMask, SetOperations) {
    const CpuMask a = CpuMask::of(1) | CpuMask::of(2), b = CpuMask::of(2) | CpuMask::of(3);
    EXPECT_EQ(a & b, CpuMask::of(2));
    EXPECT_TRUE(a.intersects(b));
    EXPECT_FALSE(a.intersects(CpuMask::of(4)));
    EXPECT_TRUE(CpuMask::of(2).subset_of(a));
    EXPECT_FALSE(b.subset_of(a));
}

} // namespace
} // namespace cxen
