// Host tests of the vLAPIC state machine (hypervisor/arch/x86/hvm/vlapic.cpp).
// Expected values follow Intel SDM Vol. 3, chapter 11.
#include "arch/x86/hvm/vlapic.hpp"

#include <gtest/gtest.h>

namespace cxen::arch {
namespace {

struct VlapicTest : ::testing::Test {
    Vlapic l;
    VlapicEffect fx;
    void SetUp() override {
        l.reset(4);
        ASSERT_EQ(l.write(x2apic_svr, 0x1ff, 0, fx), VlapicAccess::ok); // software-enable
    }
    uint64_t rd(uint32_t msr, uint64_t now = 0) {
        uint64_t v = ~0ull;
        EXPECT_EQ(l.read(msr, now, v), VlapicAccess::ok) << std::hex << msr;
        return v;
    }
    void wr(uint32_t msr, uint64_t v, uint64_t now = 0) {
        EXPECT_EQ(l.write(msr, v, now, fx), VlapicAccess::ok) << std::hex << msr;
    }
};

TEST_F(VlapicTest, ResetStateMatchesSdm) {
    Vlapic fresh;
    fresh.reset(6);
    uint64_t v;
    ASSERT_EQ(fresh.read(x2apic_svr, 0, v), VlapicAccess::ok);
    EXPECT_EQ(v, 0xffu);
    ASSERT_EQ(fresh.read(x2apic_lvt_lint0, 0, v), VlapicAccess::ok);
    EXPECT_EQ(v, lvt_masked);
    ASSERT_EQ(fresh.read(x2apic_id, 0, v), VlapicAccess::ok);
    EXPECT_EQ(v, 6u);
    EXPECT_EQ(fresh.pending_vector(), -1);
}

TEST_F(VlapicTest, IdVersionAndLogicalIdAreDerivedFromTheX2apicId) {
    EXPECT_EQ(rd(x2apic_id), 4u);
    EXPECT_EQ(rd(x2apic_version), 0x50014u);
    EXPECT_EQ(rd(x2apic_ldr), 1u << 4); // cluster 0, bit (id & 15)
    Vlapic far;
    far.reset(0x25);
    uint64_t v;
    ASSERT_EQ(far.read(x2apic_ldr, 0, v), VlapicAccess::ok);
    EXPECT_EQ(v, (2u << 16) | (1u << 5));
}

TEST_F(VlapicTest, ReadOnlyAndWriteOnlyRegistersFault) {
    uint64_t v;
    EXPECT_EQ(l.read(x2apic_eoi, 0, v), VlapicAccess::gp);
    EXPECT_EQ(l.read(x2apic_self_ipi, 0, v), VlapicAccess::gp);
    EXPECT_EQ(l.read(x2apic_lvt_cmci, 0, v), VlapicAccess::gp);
    EXPECT_EQ(l.write(x2apic_id, 0, 0, fx), VlapicAccess::gp);
    EXPECT_EQ(l.write(x2apic_ppr, 0, 0, fx), VlapicAccess::gp);
    EXPECT_EQ(l.write(x2apic_irr0, 0, 0, fx), VlapicAccess::gp);
    EXPECT_EQ(l.write(x2apic_timer_ccr, 0, 0, fx), VlapicAccess::gp);
    EXPECT_EQ(l.write(x2apic_eoi, 1, 0, fx), VlapicAccess::gp);
    EXPECT_EQ(l.write(x2apic_tpr, 0x100, 0, fx), VlapicAccess::gp);
    EXPECT_EQ(l.write(x2apic_esr, 1, 0, fx), VlapicAccess::gp);
}

TEST_F(VlapicTest, HighestIrrIsDeliveredAndMovesToIsr) {
    l.set_irr(0x31);
    l.set_irr(0x52);
    EXPECT_EQ(l.pending_vector(), 0x52);
    l.acknowledge(0x52);
    EXPECT_TRUE(l.isr_test(0x52));
    EXPECT_FALSE(l.irr_test(0x52));
    EXPECT_EQ(rd(x2apic_isr0 + 2), 1u << (0x52 % 32));
    EXPECT_EQ(rd(x2apic_ppr), 0x50u);
    // 0x31 is in a lower priority class than the one in service.
    EXPECT_EQ(l.pending_vector(), -1);
    wr(x2apic_eoi, 0);
    EXPECT_EQ(rd(x2apic_ppr), 0u);
    EXPECT_EQ(l.pending_vector(), 0x31);
}

TEST_F(VlapicTest, SameClassVectorWaitsForEoi) {
    l.set_irr(0x41);
    l.acknowledge(0x41);
    l.set_irr(0x4f); // same class 4: blocked (SDM: priority class must exceed PPR's)
    EXPECT_EQ(l.pending_vector(), -1);
    wr(x2apic_eoi, 0);
    EXPECT_EQ(l.pending_vector(), 0x4f);
}

TEST_F(VlapicTest, TprBlocksLowerClasses) {
    wr(x2apic_tpr, 0x60);
    l.set_irr(0x65);
    EXPECT_EQ(l.pending_vector(), -1);
    l.set_irr(0x71);
    EXPECT_EQ(l.pending_vector(), 0x71);
    wr(x2apic_tpr, 0);
    l.acknowledge(0x71);
    EXPECT_EQ(l.pending_vector(), -1); // 0x65 < class 7 in service
}

TEST_F(VlapicTest, EoiClearsOnlyTheHighestInService) {
    l.set_irr(0x90);
    l.acknowledge(0x90);
    l.set_irr(0xa0);
    l.acknowledge(0xa0);
    wr(x2apic_eoi, 0);
    EXPECT_FALSE(l.isr_test(0xa0));
    EXPECT_TRUE(l.isr_test(0x90));
}

TEST_F(VlapicTest, IllegalVectorIsDroppedAndLatchedInEsr) {
    EXPECT_FALSE(l.set_irr(5));
    EXPECT_EQ(l.pending_vector(), -1);
    EXPECT_EQ(rd(x2apic_esr), 0u); // latched only by the next write
    wr(x2apic_esr, 0);
    EXPECT_EQ(rd(x2apic_esr), 1u << 6);
}

TEST_F(VlapicTest, IllegalVectorIpiIsNotSentAndRaisesTheErrorLvt) {
    // Xen's vlapic_ipi/vlapic_error: "send illegal vector", no IPI; an
    // unmasked LVT error entry is raised; with an illegal vector of its own
    // it cannot be, and counts as "receive illegal vector" (XTF xsa-462).
    wr(x2apic_lvt_error, 0x40);
    wr(x2apic_icr, (uint64_t{4} << 32) | 0x0f);
    EXPECT_EQ(fx.kind, VlapicEffect::none);
    wr(x2apic_esr, 0);
    EXPECT_EQ(rd(x2apic_esr), 1u << 5);
    EXPECT_TRUE(l.irr_test(0x40));
    fx = {};
    wr(x2apic_lvt_error, 0x0f);
    wr(x2apic_icr, (uint64_t{1} << 8) | 0x03); // lowest priority, illegal too
    EXPECT_EQ(fx.kind, VlapicEffect::none);
    wr(x2apic_esr, 0);
    EXPECT_EQ(rd(x2apic_esr), (1u << 5) | (1u << 6));
    wr(x2apic_icr, (uint64_t{4} << 32) | (uint64_t{4} << 8) | 0x0f); // NMI: the vector does not matter
    EXPECT_EQ(fx.kind, VlapicEffect::send_ipi);
}

TEST_F(VlapicTest, SoftwareDisabledApicDeliversNothingAndMasksLvts) {
    l.set_irr(0x80);
    wr(x2apic_lvt_lint0, 0x700);
    wr(x2apic_svr, 0xff);
    EXPECT_EQ(l.pending_vector(), -1);
    EXPECT_EQ(rd(x2apic_lvt_lint0) & lvt_masked, lvt_masked);
    wr(x2apic_lvt_error, 0xfe); // an unmasking write keeps the mask while disabled
    EXPECT_EQ(rd(x2apic_lvt_error), 0xfeu | lvt_masked);
    wr(x2apic_svr, 0x1ff);
    EXPECT_EQ(l.pending_vector(), 0x80);
}

TEST_F(VlapicTest, SelfIpiSetsIrr) {
    wr(x2apic_self_ipi, 0xf6);
    EXPECT_EQ(l.pending_vector(), 0xf6);
    EXPECT_EQ(fx.kind, VlapicEffect::none);
    EXPECT_EQ(l.write(x2apic_self_ipi, 0x1f6, 0, fx), VlapicAccess::gp);
}

TEST_F(VlapicTest, IcrWriteAsksForAnIpiWithDecodedFields) {
    wr(x2apic_icr, (uint64_t{6} << 32) | (1u << 14) | (icr_fixed << 8) | 0xf8);
    ASSERT_EQ(fx.kind, VlapicEffect::send_ipi);
    EXPECT_EQ(fx.vector, 0xf8u);
    EXPECT_EQ(fx.mode, icr_fixed);
    EXPECT_EQ(fx.shorthand, icr_dest_field);
    EXPECT_EQ(fx.dest, 6u);
    wr(x2apic_icr, (icr_all_but_self << 18) | (icr_nmi << 8));
    EXPECT_EQ(fx.shorthand, icr_all_but_self);
    EXPECT_EQ(fx.mode, icr_nmi);
    wr(x2apic_icr, (uint64_t{2} << 32) | (icr_startup << 8) | 0x08);
    EXPECT_EQ(fx.mode, icr_startup);
    EXPECT_EQ(fx.vector, 0x08u);
    EXPECT_EQ(rd(x2apic_icr), (uint64_t{2} << 32) | (icr_startup << 8) | 0x08);
    EXPECT_EQ(l.write(x2apic_icr, 1u << 12, 0, fx), VlapicAccess::gp); // delivery status is read-only
}

TEST_F(VlapicTest, OneShotTimerFiresOnceAtInitialCountTimesDivider) {
    wr(x2apic_timer_dcr, 0xb); // divide by 1
    wr(x2apic_lvt_timer, 0x40);
    wr(x2apic_timer_icr, 1000, 5000);
    EXPECT_EQ(fx.kind, VlapicEffect::timer_changed);
    EXPECT_EQ(l.timer_deadline_ns(), 6000u);
    EXPECT_EQ(rd(x2apic_timer_ccr, 5400), 600u);
    EXPECT_EQ(l.timer_expired(5999), 6000u); // early call: nothing
    EXPECT_EQ(l.pending_vector(), -1);
    EXPECT_EQ(l.timer_expired(6000), 0u);
    EXPECT_EQ(l.pending_vector(), 0x40);
    EXPECT_EQ(rd(x2apic_timer_ccr, 7000), 0u);
}

TEST_F(VlapicTest, DividerScalesTheTimerPeriod) {
    wr(x2apic_timer_dcr, 0x3); // divide by 16
    wr(x2apic_lvt_timer, 0x40);
    wr(x2apic_timer_icr, 100, 0);
    EXPECT_EQ(l.timer_deadline_ns(), 1600u);
}

TEST_F(VlapicTest, PeriodicTimerReloads) {
    wr(x2apic_timer_dcr, 0xb);
    wr(x2apic_lvt_timer, (1u << 17) | 0x41);
    wr(x2apic_timer_icr, 100000, 0);
    EXPECT_EQ(l.timer_expired(100000), 200000u);
    EXPECT_EQ(l.pending_vector(), 0x41);
    EXPECT_EQ(rd(x2apic_timer_ccr, 150000), 50000u);
    EXPECT_EQ(l.timer_expired(1000000), 1100000u); // late: restart from now, do not storm
}

TEST_F(VlapicTest, MaskedTimerCountsButDoesNotInterrupt) {
    wr(x2apic_timer_dcr, 0xb);
    wr(x2apic_lvt_timer, lvt_masked | 0x40);
    wr(x2apic_timer_icr, 10, 0);
    EXPECT_EQ(l.timer_expired(10), 0u);
    EXPECT_EQ(l.pending_vector(), -1);
}

TEST_F(VlapicTest, ZeroInitialCountStopsTheTimer) {
    wr(x2apic_lvt_timer, 0x40);
    wr(x2apic_timer_icr, 10, 0);
    wr(x2apic_timer_icr, 0, 1);
    EXPECT_EQ(l.timer_deadline_ns(), 0u);
}

TEST_F(VlapicTest, TscDeadlineModeIsNotAvailable) {
    wr(x2apic_lvt_timer, (2u << 17) | 0x40);
    EXPECT_EQ(rd(x2apic_lvt_timer), 0x40u);
}

} // namespace
} // namespace cxen::arch
