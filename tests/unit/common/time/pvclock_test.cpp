#include "common/time/pvclock.hpp"

#include "abi/xen/xen.hpp"
#include "arch/time.hpp"
#include "arch/vcpu.hpp"
#include "common/domain.hpp"

#include <cstdint>
#include <gtest/gtest.h>
#include <memory>

using namespace cxen;

namespace {

constexpr uint64_t ns_per_sec = 1'000'000'000;

uint64_t absdiff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

TEST(PvclockScale, MatchesXenSetTimeScaleForKnownRates) {
    // 2 GHz is already in (1e9, 2e9]: no shift, mul = 1e9/2e9 * 2^32.
    EXPECT_EQ(pvclock_scale(2'000'000'000).mul, 1u << 31);
    EXPECT_EQ(pvclock_scale(2'000'000'000).shift, 0);
    // 1 GHz is doubled into the range once.
    EXPECT_EQ(pvclock_scale(1'000'000'000).mul, 1u << 31);
    EXPECT_EQ(pvclock_scale(1'000'000'000).shift, 1);
    // 3 GHz is halved once: 1.5e9 -> mul = floor(2^32 / 1.5).
    EXPECT_EQ(pvclock_scale(3'000'000'000).mul, 2863311530u);
    EXPECT_EQ(pvclock_scale(3'000'000'000).shift, -1);
}

TEST(PvclockScale, ZeroRateGivesAStoppedClockInsteadOfHanging) {
    EXPECT_EQ(pvclock_scale(0).mul, 0u);
}

TEST(PvclockScale, OneSecondOfTicksIsOneSecondAcrossFrequencies) {
    const uint64_t rates[] = {1'000'000,     32'768'000,    100'000'000,   999'999'999,  1'000'000'000,
                              1'000'000'001, 1'999'999'999, 2'000'000'001, 2'400'000'000, 3'692'012'345,
                              5'000'000'000, 10'000'000'000};
    for (uint64_t hz : rates) {
        const PvclockScale s = pvclock_scale(hz);
        // mul keeps at least 31 significant bits: the result is exact to ~1e-9.
        EXPECT_GE(s.mul, 1u << 31) << hz;
        EXPECT_LE(absdiff(pvclock_scale_delta(hz, s), ns_per_sec), 2u) << hz;
        // An hour of ticks (no overflow in the 128-bit product) within 1 ppb:
        // Xen's halving drops the rate's low bit (2e9 + 1 Hz is off by 0.5 ppb).
        EXPECT_LE(absdiff(pvclock_scale_delta(hz * 3600, s), 3600 * ns_per_sec), 3600u) << hz;
    }
}

TEST(PvclockWrite, LeavesVersionEvenAndAdvancedByTwo) {
    vcpu_time_info t{};
    t.version = 6;
    pvclock_write(t, 1234, 5678, {1u << 31, -1}, XEN_PVCLOCK_TSC_STABLE_BIT);
    EXPECT_EQ(t.version, 8u);
    EXPECT_EQ(t.tsc_timestamp, 1234u);
    EXPECT_EQ(t.system_time, 5678u);
    EXPECT_EQ(t.tsc_to_system_mul, 1u << 31);
    EXPECT_EQ(t.tsc_shift, -1);
    EXPECT_EQ(t.flags, XEN_PVCLOCK_TSC_STABLE_BIT);
    // A version left odd by an interrupted writer becomes even again.
    t.version = 7;
    pvclock_write(t, 1, 2, {1u << 31, 0}, 0);
    EXPECT_EQ(t.version % 2, 0u);
    EXPECT_GT(t.version, 7u);
}

TEST(PvclockWrite, WallclockKeepsHighSecondsAndEvenVersion) {
    auto si = std::make_unique<shared_info>();
    const uint64_t sec = (uint64_t{3} << 32) | 17;
    wallclock_write(*si, sec, 999'999'999);
    EXPECT_EQ(si->wc_version, 2u);
    EXPECT_EQ(si->wc_sec, 17u);
    EXPECT_EQ(si->wc_sec_hi, 3u);
    EXPECT_EQ(si->wc_nsec, 999'999'999u);
}

TEST(VcpuTimeRefresh, TimestampIsInGuestTscUnitsAndMatchesSystemTime) {
    auto si = std::make_unique<shared_info>();
    Vcpu v;
    v.vcpu_info = &si->vcpu_info[0];
    arch::fake_tsc = 10'000'000;
    arch::fake_tsc_offset = uint64_t{0} - 4'000'000; // guest TSC = host - 4e6
    arch::fake_tsc_khz = 2'000'000;
    arch::fake_now_ns = 3'000'000;
    vcpu_time_refresh(v);
    const vcpu_time_info& t = si->vcpu_info[0].time;
    EXPECT_EQ(t.tsc_timestamp, 6'000'000u);
    EXPECT_EQ(t.system_time, 3'000'000u);
    EXPECT_EQ(t.version, 2u);
    EXPECT_EQ(t.flags & XEN_PVCLOCK_TSC_STABLE_BIT, 0); // not claimed (pvh-guest-abi.md §11)
    // The guest's own extrapolation 1 ms of ticks later reads 1 ms later.
    const uint64_t later = pvclock_scale_delta(2'000'000, {t.tsc_to_system_mul, t.tsc_shift});
    EXPECT_LE(absdiff(t.system_time + later, 4'000'000), 1u);
    arch::fake_tsc_offset = 0;
}

TEST(VcpuTimeRefresh, WithoutVcpuInfoDoesNothing) {
    Vcpu v;
    vcpu_time_refresh(v); // no crash, nothing to write
    SUCCEED();
}

} // namespace
