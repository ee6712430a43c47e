// dom0_mem=, dom0_max_vcpus= and dom0= with Xen 4.17's syntax and
// arithmetic (xen/arch/x86/dom0_build.c parse_amt, get_memsize,
// dom0_compute_nr_pages, dom0_max_vcpus).
#include "common/boot/dom0_options.hpp"

#include <gtest/gtest.h>

namespace cxen {
namespace {

constexpr uint64_t MiB_pages(uint64_t m) { return m << 8; }

TEST(Dom0Mem, DefaultIsAllButAReserveOfOneSixteenthOr128MiB) {
    const Dom0Mem none;
    EXPECT_EQ(dom0_nr_pages(none, MiB_pages(1024)), MiB_pages(1024 - 64)); // 1/16 < 128 MiB
    EXPECT_EQ(dom0_nr_pages(none, MiB_pages(4096)), MiB_pages(4096 - 128)); // capped at 128 MiB
    EXPECT_EQ(dom0_max_pages(none, MiB_pages(4096)), UINT64_MAX);
}

TEST(Dom0Mem, AbsoluteSizeWithUnitsAndKiBDefault) {
    Dom0Mem m;
    ASSERT_TRUE(parse_dom0_mem("512M", m));
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(1024)), MiB_pages(512));
    ASSERT_TRUE(parse_dom0_mem("1048576", m)); // no unit: KiB, as Xen
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(2048)), MiB_pages(1024));
    ASSERT_TRUE(parse_dom0_mem("1G", m));
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(512)), MiB_pages(512)) << "never more than is available";
}

TEST(Dom0Mem, NegativeIsAllButThatMuch) {
    Dom0Mem m;
    ASSERT_TRUE(parse_dom0_mem("-256M", m));
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(1024)), MiB_pages(768));
    // More than there is: 0 pages, which Xen's "?:" turns into the default.
    ASSERT_TRUE(parse_dom0_mem("-2G", m));
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(1024)), MiB_pages(1024 - 64));
}

TEST(Dom0Mem, PercentAndSizePlusPercentAreOfAvailableMemory) {
    Dom0Mem m;
    ASSERT_TRUE(parse_dom0_mem("25%", m));
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(1024)), MiB_pages(256));
    ASSERT_TRUE(parse_dom0_mem("128M+25%", m));
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(1024)), MiB_pages(384));
}

TEST(Dom0Mem, MinRaisesMaxLowersAndMaxWins) {
    Dom0Mem m;
    ASSERT_TRUE(parse_dom0_mem("256M,max:1G", m));
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(2048)), MiB_pages(256));
    EXPECT_EQ(dom0_max_pages(m, MiB_pages(2048)), MiB_pages(1024));
    ASSERT_TRUE(parse_dom0_mem("min:512M", m));
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(256 + 16)), MiB_pages(256 + 16)) << "capped by what is available";
    ASSERT_TRUE(parse_dom0_mem("max:300M", m)); // default amount, lowered
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(1024)), MiB_pages(300));
    ASSERT_TRUE(parse_dom0_mem("min:600M,max:400M", m));
    EXPECT_EQ(dom0_nr_pages(m, MiB_pages(1024)), MiB_pages(400)) << "max overrides min";
}

TEST(Dom0Mem, MalformedValuesAreRefusedAndChangeNothing) {
    Dom0Mem m;
    ASSERT_TRUE(parse_dom0_mem("512M", m));
    for (const char* bad : {"", ",", "512M,", "abc", "512Q", "100%", "-25%x", "1G+", "+25%", "%", "min:", "foo:1G",
                            "25%+1G", "512M,,max:1G"}) {
        EXPECT_FALSE(parse_dom0_mem(bad, m)) << bad;
        EXPECT_EQ(dom0_nr_pages(m, MiB_pages(1024)), MiB_pages(512)) << bad;
    }
}

TEST(Dom0MaxVcpus, CountRangeAndDefaults) {
    Dom0MaxVcpus o;
    EXPECT_EQ(dom0_vcpus(o, 4, 128), 4u) << "default: the pCPU count";
    ASSERT_TRUE(parse_dom0_max_vcpus("2", o));
    EXPECT_EQ(dom0_vcpus(o, 4, 128), 2u);
    EXPECT_EQ(dom0_vcpus(o, 1, 128), 2u) << "may exceed the pCPUs";
    ASSERT_TRUE(parse_dom0_max_vcpus("4-8", o)); // Xen's documented table
    EXPECT_EQ(dom0_vcpus(o, 2, 128), 4u);
    EXPECT_EQ(dom0_vcpus(o, 6, 128), 6u);
    EXPECT_EQ(dom0_vcpus(o, 12, 128), 8u);
    ASSERT_TRUE(parse_dom0_max_vcpus("-3", o));
    EXPECT_EQ(dom0_vcpus(o, 8, 128), 3u);
    ASSERT_TRUE(parse_dom0_max_vcpus("3-", o));
    EXPECT_EQ(dom0_vcpus(o, 200, 128), 128u) << "HVM_MAX_VCPUS caps it";
    for (const char* bad : {"", "0", "x", "2-1", "1-2-3", "0-4", "-0", "99999999999"})
        EXPECT_FALSE(parse_dom0_max_vcpus(bad, o)) << bad;
}

TEST(Dom0Mode, PvhPvAndUnknown) {
    Dom0Mode m;
    ASSERT_TRUE(parse_dom0_mode("pvh", m));
    EXPECT_TRUE(m.pvh);
    ASSERT_TRUE(parse_dom0_mode("pvh,pv", m));
    EXPECT_TRUE(m.pv);
    EXPECT_FALSE(m.pvh) << "the last one wins";
    EXPECT_FALSE(parse_dom0_mode("hvm", m));
    EXPECT_FALSE(parse_dom0_mode("pvh,", m));
}

} // namespace
} // namespace cxen
