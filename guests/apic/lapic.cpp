// The emulated local APIC (x2APIC mode) and interrupt delivery on one vCPU:
// registers, self-IPIs, TPR, the LAPIC timer, HLT wake-up, XSETBV.
// Source: Intel SDM Vol. 3, chapter 11; docs pvh-guest-abi.md §12.
#include "apic.hpp"
#include "guest.hpp"
#include "smp.hpp"

using namespace cxen::guest;

namespace {
constinit volatile unsigned hits[256]{};
constinit volatile uint64_t first_hit_tsc = 0;

void count_and_eoi(uint8_t vector) {
    if (hits[vector] == 0) first_hit_tsc = rdtsc();
    hits[vector] = hits[vector] + 1;
    apic::eoi();
}

void setup() {
    irq_init();
    for (unsigned v = 0x40; v < 0xf0; ++v) set_irq_handler(static_cast<uint8_t>(v), count_and_eoi);
    for (auto& h : hits) h = 0;
    first_hit_tsc = 0;
}

inline uint64_t xgetbv0() {
    uint32_t lo, hi;
    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t{hi} << 32) | lo;
}
} // namespace

TEST_CASE("apic.x2apic_enabled_from_reset") {
    SKIP_UNLESS_XEN();
    const uint64_t base = x86::rdmsr(apic::msr_apic_base);
    CHECK_EQ(base & (apic::apic_base_en | apic::apic_base_extd), apic::apic_base_en | apic::apic_base_extd);
    CHECK_EQ(base & apic::apic_base_bsp, apic::apic_base_bsp);
    CHECK_EQ(base & ~0xfffull, 0xfee00000ull);
    CHECK(x86::cpuid(1).ecx & (1u << 21)); // x2APIC advertised
}

TEST_CASE("apic.registers_match_vcpu_id") {
    SKIP_UNLESS_XEN();
    CHECK_EQ(apic::read(apic::id), 0u); // 2 * vcpu_id
    CHECK_EQ(apic::read(apic::version), 0x50014u);
    CHECK_EQ(apic::read(apic::ldr), 1u);
    CHECK_EQ(x86::cpuid(1).ebx >> 24, 0u);
}

TEST_CASE("apic.read_only_and_write_only_registers_fault") {
    SKIP_UNLESS_XEN();
    CHECK_EQ(catch_fault([] { apic::write(apic::id, 4); }).vector, 13);
    CHECK_EQ(catch_fault([] { (void)apic::read(apic::eoi_reg); }).vector, 13);
    CHECK_EQ(catch_fault([] { apic::write(apic::eoi_reg, 1); }).vector, 13);
    CHECK_EQ(catch_fault([] { x86::wrmsr(apic::msr_apic_base, 0xfee00000 | apic::apic_base_en); }).vector, 13);
}

TEST_CASE("apic.self_ipi_is_delivered_when_interrupts_are_enabled") {
    SKIP_UNLESS_XEN();
    setup();
    apic::self_ipi(0x51);
    CHECK_EQ(hits[0x51], 0u); // IF=0: still pending
    CHECK(apic::read(static_cast<apic::Reg>(apic::irr0 + 2)) & (1u << (0x51 % 32)));
    irq_enable();
    asm volatile("nop");
    irq_disable();
    CHECK_EQ(hits[0x51], 1u);
    apic::send_ipi(0, 0x52, apic::icr_self); // ICR with the self shorthand
    wait_for_interrupt();
    CHECK_EQ(hits[0x52], 1u);
}

TEST_CASE("apic.tpr_holds_back_lower_priority_classes") {
    SKIP_UNLESS_XEN();
    setup();
    apic::write(apic::tpr, 0x80);
    apic::self_ipi(0x61);
    irq_enable();
    asm volatile("nop; nop");
    irq_disable();
    CHECK_EQ(hits[0x61], 0u);
    CHECK_EQ(apic::read(apic::ppr), 0x80u);
    apic::write(apic::tpr, 0);
    irq_enable();
    asm volatile("nop");
    irq_disable();
    CHECK_EQ(hits[0x61], 1u);
}

TEST_CASE("apic.one_shot_timer_fires_on_time_and_wakes_hlt") {
    SKIP_UNLESS_XEN();
    REQUIRE(tsc_khz() != 0);
    setup();
    apic::write(apic::timer_divide, 0xb); // divide by 1: 1 GHz, 1 tick per ns
    apic::write(apic::lvt_timer, 0x70);
    const uint64_t start = rdtsc();
    apic::write(apic::timer_initial, 10'000'000); // 10 ms
    CHECK_GT(apic::read(apic::timer_current), 0u);
    while (hits[0x70] == 0 && tsc_to_us(rdtsc() - start) < 2'000'000) wait_for_interrupt();
    REQUIRE_EQ(hits[0x70], 1u);
    const uint64_t us = tsc_to_us(first_hit_tsc - start);
    printf("  one-shot 10 ms timer fired after %lu us\n", us);
    CHECK_GE(us, 9'500u);
    CHECK_LE(us, 200'000u); // TCG is slow; the bound catches a lost or stuck timer
    CHECK_EQ(apic::read(apic::timer_current), 0u);
}

TEST_CASE("apic.periodic_timer_keeps_firing") {
    SKIP_UNLESS_XEN();
    REQUIRE(tsc_khz() != 0);
    setup();
    apic::write(apic::timer_divide, 0xb);
    apic::write(apic::lvt_timer, apic::lvt_periodic | 0x71);
    const uint64_t start = rdtsc();
    apic::write(apic::timer_initial, 2'000'000); // 2 ms
    while (hits[0x71] < 5 && tsc_to_us(rdtsc() - start) < 2'000'000) wait_for_interrupt();
    const uint64_t us = tsc_to_us(rdtsc() - start);
    apic::write(apic::timer_initial, 0);
    CHECK_GE(hits[0x71], 5u);
    printf("  5 periods of 2 ms took %lu us\n", us);
    CHECK_GE(us, 9'500u);
}

TEST_CASE("apic.masked_timer_does_not_interrupt") {
    SKIP_UNLESS_XEN();
    setup();
    apic::write(apic::timer_divide, 0xb);
    apic::write(apic::lvt_timer, apic::lvt_masked | 0x72);
    apic::write(apic::timer_initial, 100'000);
    spin_until([] { return apic::read(apic::timer_current) == 0; }, 500);
    irq_enable();
    asm volatile("nop");
    irq_disable();
    CHECK_EQ(hits[0x72], 0u);
}

TEST_CASE("apic.xsetbv_enables_sse_and_avx_state") {
    SKIP_UNLESS_XEN();
    if (!(x86::cpuid(1).ecx & (1u << 26))) SKIP("no XSAVE in CPUID");
    const uint64_t supported = x86::cpuid(0xd, 0).eax;
    CHECK_EQ(supported & 3, 3u);
    asm volatile("mov %%cr4, %%rax; or $0x40600, %%rax; mov %%rax, %%cr4" ::: "rax", "memory"); // OSXSAVE, OSFXSR, OSXMMEXCPT
    CHECK(x86::cpuid(1).ecx & (1u << 27)); // OSXSAVE now visible
    const uint64_t want = supported & 7;
    asm volatile("xsetbv" ::"c"(0), "a"(static_cast<uint32_t>(want)), "d"(0));
    CHECK_EQ(xgetbv0(), want);
    const uint32_t area_size = (want & 4) ? 832u : 576u; // legacy + header (+ YMM_Hi128)
    CHECK_EQ(x86::cpuid(0xd, 0).ebx, area_size);
    // x87 cleared, or AVX without SSE: #GP.
    CHECK_EQ(catch_fault([] { asm volatile("xsetbv" ::"c"(0), "a"(2), "d"(0)); }).vector, 13);
    if (want & 4) CHECK_EQ(catch_fault([] { asm volatile("xsetbv" ::"c"(0), "a"(5), "d"(0)); }).vector, 13);
    CHECK_EQ(xgetbv0(), want);
}
