#include "common/time/runstate.hpp"

#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/domain.hpp"

#include <cstdint>
#include <cstring>
#include <gtest/gtest.h>

using namespace cxen;

namespace {

struct Fixture : ::testing::Test {
    Domain d;
    Vcpu v;
    void SetUp() override {
        arch::fake_guest_memory().assign(2 * 4096, 0);
        v.domain = &d;
    }
    vcpu_runstate_info guest_area(uint64_t gva) {
        vcpu_runstate_info r;
        std::memcpy(&r, arch::fake_guest_memory().data() + gva, sizeof(r));
        return r;
    }
};

using RunstateTest = Fixture;

TEST_F(RunstateTest, ChangeAccountsElapsedTimeToThePreviousState) {
    runstate_change(v, RUNSTATE_running, 100);
    runstate_change(v, RUNSTATE_blocked, 350);
    runstate_change(v, RUNSTATE_runnable, 1000);
    runstate_change(v, RUNSTATE_running, 1010);
    EXPECT_EQ(v.runstate.state, RUNSTATE_running);
    EXPECT_EQ(v.runstate.state_entry_time, 1010u);
    EXPECT_EQ(v.runstate.time[RUNSTATE_running], 250u);
    EXPECT_EQ(v.runstate.time[RUNSTATE_blocked], 650u);
    EXPECT_EQ(v.runstate.time[RUNSTATE_runnable], 10u);
}

TEST_F(RunstateTest, UpdateWithoutRegisteredAreaWritesNothing) {
    runstate_change(v, RUNSTATE_running, 5);
    EXPECT_TRUE(runstate_update_guest(v));
    for (uint8_t b : arch::fake_guest_memory()) ASSERT_EQ(b, 0);
}

TEST_F(RunstateTest, UpdateWritesTheStructWithoutUpdateFlag) {
    v.runstate_gva = 0x100;
    runstate_change(v, RUNSTATE_running, 100);
    runstate_change(v, RUNSTATE_runnable, 300);
    ASSERT_TRUE(runstate_update_guest(v));
    const vcpu_runstate_info r = guest_area(0x100);
    EXPECT_EQ(r.state, RUNSTATE_runnable);
    EXPECT_EQ(r.state_entry_time, 300u);
    EXPECT_EQ(r.time[RUNSTATE_running], 200u);
}

TEST_F(RunstateTest, UpdateFlagProtocolNeverLeavesTheFlagSet) {
    d.vm_assist = 1ul << VMASST_TYPE_runstate_update_flag;
    v.runstate_gva = 0x200;
    runstate_change(v, RUNSTATE_running, 0x1234);
    ASSERT_TRUE(runstate_update_guest(v));
    const vcpu_runstate_info r = guest_area(0x200);
    EXPECT_EQ(r.state_entry_time & XEN_RUNSTATE_UPDATE, 0u);
    EXPECT_EQ(r.state_entry_time, 0x1234u);
    EXPECT_EQ(r.state, RUNSTATE_running);
}

TEST_F(RunstateTest, UpdateToUnmappedAreaFailsWithoutTouchingMemory) {
    d.vm_assist = 1ul << VMASST_TYPE_runstate_update_flag;
    v.runstate_gva = 2 * 4096 - 8; // the struct runs past the end of guest memory
    runstate_change(v, RUNSTATE_running, 7);
    EXPECT_FALSE(runstate_update_guest(v));
    // The first byte write of the flag landed inside; it must be cleared again.
    const uint8_t top = arch::fake_guest_memory()[2 * 4096 - 8 + 15 - 8];
    (void)top;
    for (size_t i = 2 * 4096 - 8; i < 2 * 4096; ++i) EXPECT_EQ(arch::fake_guest_memory()[i] & 0x80, 0) << i;
}

} // namespace
