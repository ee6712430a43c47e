// Xen time in shared_info: the pvclock of vcpu_info[0] (version protocol,
// guest-TSC timestamp, mul/shift) and the wallclock, checked against the
// TSC, CPUID leaf base+3 and HVMOP_get_time. Source: public/xen.h
// (struct vcpu_time_info, wc_*), docs/pvh-guest-abi.md §11.
#include "guest.hpp"
#include "xen_time.hpp"

using namespace cxen::guest;
using namespace cxen::guest::xen_time;

namespace {
uint64_t absdiff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }
constexpr uint64_t ms = 1'000'000;
} // namespace

TEST_CASE("time.pvclock_valid_once_shared_info_is_mapped") {
    SKIP_UNLESS_XEN();
    shared_info* si = map_shared_info();
    REQUIRE(si != nullptr);
    const volatile vcpu_time_info& t = si->vcpu_info[0].time;
    CHECK_NE(t.version, 0u);
    CHECK_EQ(t.version % 2, 0u);
    CHECK_GT(t.tsc_to_system_mul, 0u);
    CHECK_NE(t.system_time, 0u);
    // tsc_timestamp is in this guest's TSC units: a past value of RDTSC.
    CHECK_LE(t.tsc_timestamp, rdtsc());
    CHECK_EQ(t.flags & XEN_PVCLOCK_TSC_STABLE_BIT, 0); // cxen does not claim a stable TSC
}

TEST_CASE("time.pvclock_scale_matches_cpuid_tsc_khz") {
    SKIP_UNLESS_XEN();
    shared_info* si = map_shared_info();
    REQUIRE(si != nullptr);
    const uint32_t khz = x86::cpuid(xen().cpuid_base + 3, 0).ecx;
    REQUIRE(khz != 0);
    const volatile vcpu_time_info& t = si->vcpu_info[0].time;
    // One second of ticks at the advertised rate reads as one second (1 ppm).
    const uint64_t one_sec = scale_delta(uint64_t{khz} * 1000, t.tsc_to_system_mul, t.tsc_shift);
    printf("  TSC %u kHz, mul %u, shift %d\n", khz, t.tsc_to_system_mul, t.tsc_shift);
    CHECK_LE(absdiff(one_sec, 1'000'000'000), 1000u);
}

TEST_CASE("time.pvclock_agrees_with_hvmop_get_time") {
    SKIP_UNLESS_XEN();
    shared_info* si = map_shared_info();
    REQUIRE(si != nullptr);
    const volatile vcpu_time_info& t = si->vcpu_info[0].time;
    uint64_t worst = 0;
    for (int i = 0; i < 20; ++i) {
        const uint64_t a = pvclock_read(t);
        const uint64_t x = get_time();
        const uint64_t b = pvclock_read(t);
        // Xen's time lies between the two pvclock reads, give or take the
        // pvclock's rounding and a refresh between them.
        const uint64_t off = x < a ? a - x : (x > b ? x - b : 0);
        if (off > worst) worst = off;
        spin_ns(3 * ms);
    }
    printf("  worst disagreement %lu ns\n", worst);
    CHECK_LT(worst, 200'000u);
}

TEST_CASE("time.pvclock_advances_with_the_tsc") {
    SKIP_UNLESS_XEN();
    shared_info* si = map_shared_info();
    REQUIRE(si != nullptr);
    const volatile vcpu_time_info& t = si->vcpu_info[0].time;
    // Each end: pvclock, Xen's time, pvclock again; the pair brackets Xen's
    // reading, so the slack is the brackets' width (host jitter under TCG).
    const uint64_t tsc0 = rdtsc(), a0 = pvclock_read(t), x0 = get_time(), b0 = pvclock_read(t);
    spin_ns(50 * ms); // several refreshes (every scheduler slice) happen meanwhile
    const uint64_t tsc1 = rdtsc(), a1 = pvclock_read(t), x1 = get_time(), b1 = pvclock_read(t);
    const uint32_t khz = x86::cpuid(xen().cpuid_base + 3, 0).ecx;
    const uint64_t by_tsc = (tsc1 - tsc0) * 1000 / khz * 1000; // ns, from the raw TSC
    const uint64_t ns0 = a0, ns1 = a1, slack = (b0 - a0) + (b1 - a1) + 50'000;
    printf("  pvclock %lu ns, get_time %lu ns, TSC %lu ns\n", ns1 - ns0, x1 - x0, by_tsc);
    CHECK_GT(ns1, ns0);
    CHECK_LE(absdiff(ns1 - ns0, x1 - x0), slack);
    CHECK_LE(absdiff(ns1 - ns0, by_tsc), (ns1 - ns0) / 100); // within 1%
}

TEST_CASE("time.pvclock_never_goes_back_much") {
    SKIP_UNLESS_XEN();
    shared_info* si = map_shared_info();
    REQUIRE(si != nullptr);
    const volatile vcpu_time_info& t = si->vcpu_info[0].time;
    // Without TSC_STABLE the guest must tolerate tiny steps back at a
    // refresh; they must stay tiny (rounding, not drift).
    uint64_t last = pvclock_read(t), worst_back = 0;
    const uint64_t end = get_time() + 40 * ms;
    while (get_time() < end) {
        const uint64_t now = pvclock_read(t);
        if (now < last && last - now > worst_back) worst_back = last - now;
        last = now;
    }
    CHECK_LT(worst_back, 10'000u);
}

TEST_CASE("time.wallclock_is_plausible") {
    SKIP_UNLESS_XEN();
    shared_info* si = map_shared_info();
    REQUIRE(si != nullptr);
    CHECK_EQ(si->wc_version % 2, 0u);
    CHECK_NE(si->wc_version, 0u);
    const uint64_t sec = (uint64_t{si->wc_sec_hi} << 32) | si->wc_sec;
    printf("  wallclock at boot: %lu s since the epoch\n", sec);
    CHECK_GT(sec, 1'577'836'800u); // after 2020-01-01 (the CMOS RTC under QEMU is the host's clock)
    CHECK_LT(si->wc_nsec, 1'000'000'000u);
}

TEST_CASE("time.get_time") {
    SKIP_UNLESS_XEN();
    xen_hvm_get_time_t a{}, b{};
    REQUIRE_OK(HYPERVISOR_hvm_op(HVMOP_get_time, &a));
    REQUIRE_OK(HYPERVISOR_hvm_op(HVMOP_get_time, &b));
    CHECK_GT(a.now, 0u);
    CHECK_GE(b.now, a.now);
    CHECK_ERRNO(HYPERVISOR_hvm_op(HVMOP_get_time, unmapped_pointer()), EFAULT);
}
