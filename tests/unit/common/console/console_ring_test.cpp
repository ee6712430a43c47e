// Draining a PV console ring as a backend, against hostile indices.
#include "common/console/console_ring.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "abi/xen/console.hpp"
#include "arch/guest_access.hpp"

using namespace cxen;

namespace {

constexpr uint64_t ring_gpa = 0x2000;
std::string sunk;
void sink(Domain&, const char* s, size_t n) { sunk.append(s, n); }

class ConsoleRingTest : public ::testing::Test {
  protected:
    void SetUp() override {
        arch::fake_guest_memory().assign(ring_gpa + page_size, 0);
        sunk.clear();
    }
    xencons_interface& ring() {
        return *reinterpret_cast<xencons_interface*>(arch::fake_guest_memory().data() + ring_gpa);
    }
    // The guest's side: copy text in at out_prod and publish it.
    void produce(const std::string& s) {
        auto& r = ring();
        for (char c : s) r.out[MASK_XENCONS_IDX(r.out_prod++, r.out)] = c;
    }
    Domain d_;
};

TEST_F(ConsoleRingTest, EmptyRingConsumesNothing) {
    auto r = console_ring_drain(d_, ring_gpa, sink);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().consumed, 0u);
    EXPECT_FALSE(r.value().broken);
    EXPECT_TRUE(sunk.empty());
}

TEST_F(ConsoleRingTest, DrainPassesTheBytesInOrderAndAdvancesOutCons) {
    produce("hello, world\r\n");
    auto r = console_ring_drain(d_, ring_gpa, sink);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().consumed, 14u);
    EXPECT_EQ(sunk, "hello, world\r\n");
    EXPECT_EQ(ring().out_cons, ring().out_prod);
    EXPECT_EQ(console_ring_drain(d_, ring_gpa, sink).value().consumed, 0u); // nothing twice
}

TEST_F(ConsoleRingTest, DrainFollowsTheRingAcrossItsEndAndIndexWrap) {
    ring().out_cons = ring().out_prod = 0xfffffff0u; // near the u32 wrap, and out[] offset 2032
    std::string text;
    for (int i = 0; i < 40; ++i) text += static_cast<char>('a' + i % 26);
    produce(text);
    auto r = console_ring_drain(d_, ring_gpa, sink);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().consumed, 40u);
    EXPECT_EQ(sunk, text);
    EXPECT_EQ(ring().out_cons, 0xfffffff0u + 40u);
}

TEST_F(ConsoleRingTest, AFullRingIsDrainedWhole) {
    std::string text(sizeof(ring().out), 'x');
    produce(text);
    auto r = console_ring_drain(d_, ring_gpa, sink);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().consumed, sizeof(ring().out));
    EXPECT_EQ(sunk, text);
}

TEST_F(ConsoleRingTest, IndicesFurtherApartThanTheRingAreIgnored) {
    for (auto [cons, prod] : {std::pair{0u, 2049u}, {100u, 99u}, {0u, 0xffffffffu}, {0x80000000u, 0u}}) {
        ring().out_cons = cons;
        ring().out_prod = prod;
        auto r = console_ring_drain(d_, ring_gpa, sink);
        ASSERT_TRUE(r);
        EXPECT_TRUE(r.value().broken) << cons << " " << prod;
        EXPECT_EQ(r.value().consumed, 0u);
        EXPECT_EQ(ring().out_cons, cons) << "out_cons must stay where the guest left it";
    }
    EXPECT_TRUE(sunk.empty());
}

TEST_F(ConsoleRingTest, ARingOutsideGuestMemoryIsEfault) {
    EXPECT_EQ(console_ring_drain(d_, ring_gpa + page_size * 16, sink).error(), Errno::XEN_EFAULT);
    EXPECT_EQ(console_ring_drain(d_, ~uint64_t{0} - 100, sink).error(), Errno::XEN_EFAULT);
    EXPECT_TRUE(sunk.empty());
}

TEST_F(ConsoleRingTest, InputHalfIsLeftAlone) {
    ring().in_cons = 5;
    ring().in_prod = 9;
    produce("x");
    ASSERT_TRUE(console_ring_drain(d_, ring_gpa, sink));
    EXPECT_EQ(ring().in_cons, 5u);
    EXPECT_EQ(ring().in_prod, 9u);
}

} // namespace
