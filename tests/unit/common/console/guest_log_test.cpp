// The guest log rate limit (common/console/guest_log.hpp) and the console
// lines it gates (domain_console_write), against the fake console and clock.
#include "common/console/guest_log.hpp"

#include <gtest/gtest.h>
#include <string>

#include "arch/console.hpp"
#include "arch/time.hpp"
#include "common/domain.hpp"

using namespace cxen;

namespace {

size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

struct GuestLogTest : ::testing::Test {
    Domain d;
    void SetUp() override {
        d.domid = 3;
        arch::fake_now_ns = 7'000'000'000; // not at 0: the bucket refills from system time 0
        arch::fake_console().clear();
        set_guest_log_thresholds({});
    }
    void TearDown() override { set_guest_log_thresholds({}); }
    void lines(unsigned n) {
        for (unsigned i = 0; i < n; ++i) domain_console_write(d, "line\n", 5);
    }
};

TEST_F(GuestLogTest, ABurstThenOneLinePerIntervalThenASuppressedCount) {
    lines(guest_log_burst + 50);
    EXPECT_EQ(count(arch::fake_console(), "(d3) line\n"), guest_log_burst);
    EXPECT_EQ(count(arch::fake_console(), "suppressed"), 0u); // said when one gets through again
    arch::fake_console().clear();
    arch::fake_now_ns += 3 * guest_log_interval_ms * 1'000'000; // three tokens
    lines(10);
    EXPECT_EQ(arch::fake_console(),
              "(XEN) d3: printk: 50 messages suppressed.\n(d3) line\n(d3) line\n(d3) line\n");
    arch::fake_console().clear();
    arch::fake_now_ns += 1'000'000'000'000; // a long quiet time refills no more than the burst
    lines(guest_log_burst + 1);
    EXPECT_EQ(count(arch::fake_console(), "(d3) line\n"), guest_log_burst);
    EXPECT_EQ(count(arch::fake_console(), "(XEN) d3: printk: 7 messages suppressed.\n"), 1u);
}

TEST_F(GuestLogTest, EachDomainHasItsOwnBucket) {
    Domain other;
    other.domid = 4;
    lines(guest_log_burst + 5);
    arch::fake_console().clear();
    domain_console_write(other, "neighbour\n", 10);
    EXPECT_EQ(arch::fake_console(), "(d4) neighbour\n");
}

TEST_F(GuestLogTest, ThresholdsFollowGuestLoglvl) {
    GuestLogThresholds t;
    ASSERT_TRUE(parse_guest_log_level("all", t)); // everything always: no limit
    EXPECT_EQ(t.lower, 4u);
    EXPECT_EQ(t.upper, 4u);
    set_guest_log_thresholds(t);
    lines(guest_log_burst + 5);
    EXPECT_EQ(count(arch::fake_console(), "(d3) line\n"), guest_log_burst + 5);

    ASSERT_TRUE(parse_guest_log_level("error/info", t)); // debug (console lines) dropped
    EXPECT_EQ(t.lower, 1u);
    EXPECT_EQ(t.upper, 3u);
    set_guest_log_thresholds(t);
    arch::fake_console().clear();
    lines(1);
    EXPECT_EQ(arch::fake_console(), "");
    guest_log(d, LogLevel::error, "always %d\n", 1);
    EXPECT_EQ(arch::fake_console(), "(XEN) always 1\n");

    ASSERT_TRUE(parse_guest_log_level("none/warning", t)); // Xen's release default
    EXPECT_EQ(t.lower, 0u);
    EXPECT_EQ(t.upper, 2u);
    EXPECT_FALSE(parse_guest_log_level("loud", t));
    EXPECT_FALSE(parse_guest_log_level("info/", t));
    EXPECT_FALSE(parse_guest_log_level("info/debug/all", t));
}

TEST_F(GuestLogTest, ConsoleLinesDropNonPrintableBytesAsXen) {
    domain_console_write(d, "a\x01" "b\tc\x7f\r\xff" "d\n", 10);
    EXPECT_EQ(arch::fake_console(), "(d3) ab\tcd\n");
    arch::fake_console().clear();
    const std::string nuls(100000, '\0'); // nothing printable: no line at all
    domain_console_write(d, nuls.data(), nuls.size());
    EXPECT_EQ(arch::fake_console(), "");
    domain_console_write(d, "\n", 1);
    EXPECT_EQ(arch::fake_console(), "(d3) \n");
}

TEST_F(GuestLogTest, LongLinesAreSplit) {
    const std::string long_line(300, 'x');
    domain_console_write(d, long_line.data(), long_line.size());
    domain_console_write(d, "\n", 1);
    EXPECT_EQ(arch::fake_console(), "(d3) " + std::string(254, 'x') + "\n(d3) " + std::string(46, 'x') + "\n");
}

} // namespace
