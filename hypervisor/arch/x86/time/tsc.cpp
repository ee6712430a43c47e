// TSC calibration and conversions. ns = tsc * mult >> 32, exact to ~1e-9.
#include "arch/apic.hpp"
#include "arch/paging.hpp"
#include "arch/percpu.hpp"
#include "arch/time.hpp"
#include "arch/tsc_sample.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "common/lib/panic.hpp"
#include "lib/base/assert.hpp"

namespace cxen::arch {

namespace {
uint64_t khz;
uint64_t boot_tsc;
uint64_t ns_per_tsc_mult; // (1e6 << 32) / khz
uint64_t tsc_per_ns_mult; // (khz << 32) / 1e6
volatile uint64_t* hpet;  // HPET registers, if any
uint64_t hpet_period_fs;

constexpr uint16_t PIT_CH2 = 0x42, PIT_CMD = 0x43, PIT_GATE = 0x61;
constexpr uint64_t pit_hz = 1193182;

uint64_t mul_shift32(uint64_t a, uint64_t b) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 32);
}

// One PIT window of `ms` (<= 50) milliseconds: channel 2 in mode 0, gate on,
// speaker off; OUT2 (port 0x61 bit 5) rises when the count reaches zero.
// Both ends are bracketed by TSC reads: `uncertainty` is how many TSC ticks
// the start and the end could each be off by (large when the emulated CPU
// was descheduled around them).
struct PitWindow {
    uint64_t tsc;
    uint64_t uncertainty;
};
PitWindow tsc_over_pit_once(unsigned ms) {
    // The 16-bit counter holds at most 54 ms at 1.193182 MHz.
    ASSERT(pit_hz * ms / 1000 <= 0xffff);
    const uint16_t count = static_cast<uint16_t>(pit_hz * ms / 1000);
    x86::outb(PIT_GATE, (x86::inb(PIT_GATE) & ~0x02) | 0x01);
    x86::outb(PIT_CMD, 0xb0);
    x86::outb(PIT_CH2, static_cast<uint8_t>(count & 0xff));
    const uint64_t s0 = x86::rdtsc_ordered();
    x86::outb(PIT_CH2, static_cast<uint8_t>(count >> 8)); // counting starts with this write
    const uint64_t s1 = x86::rdtsc_ordered();
    uint64_t before = s1, after;
    for (;;) {
        const bool done = x86::inb(PIT_GATE) & 0x20;
        after = x86::rdtsc_ordered();
        if (done) break;
        before = after;
    }
    const uint64_t start_gap = s1 - s0, end_gap = after - before;
    return {(before + after) / 2 - (s0 + s1) / 2, start_gap > end_gap ? start_gap : end_gap};
}

// The free-running PIT: channel 2 in mode 2 (rate generator) with reload
// 0 (= 65536 ticks, a wrap every ~55 ms), read by latching its count.
void pit_start_free_running() {
    x86::outb(PIT_GATE, (x86::inb(PIT_GATE) & ~0x02) | 0x01);
    x86::outb(PIT_CMD, 0xb4); // channel 2, lobyte/hibyte, mode 2, binary
    x86::outb(PIT_CH2, 0);
    x86::outb(PIT_CH2, 0);
}

// A (TSC, latched PIT count) pair (arch/tsc_sample.hpp).
TscSample<uint16_t> pit_sample() {
    return tsc_sample([] {
        x86::outb(PIT_CMD, 0x80); // latch channel 2
        const uint8_t lo = x86::inb(PIT_CH2);
        const uint8_t hi = x86::inb(PIT_CH2);
        return static_cast<uint16_t>(lo | (hi << 8));
    });
}

// TSC ticks in `ms` milliseconds of PIT time. The PIT count wraps every
// 65536 ticks, and a host deschedule can hide any number of wraps between
// two samples, so the wraps between consecutive samples are counted from
// the TSC (`tsc_per_pit_tick_q32`, a rough rate, is enough to tell them
// apart: they are 55 ms apart). Only the first and last samples' TSC reads
// matter for precision.
uint64_t tsc_over_pit_paired(unsigned ms, uint64_t tsc_per_pit_tick_q32) {
    pit_start_free_running();
    const uint64_t target = pit_hz * ms / 1000;
    const auto first = pit_sample();
    auto prev = first;
    uint64_t ticks = 0;
    while (ticks < target) {
        const auto cur = pit_sample();
        const uint64_t seen = static_cast<uint16_t>(prev.value - cur.value); // mod 65536
        const uint64_t predicted = ((cur.tsc - prev.tsc) << 32) / tsc_per_pit_tick_q32;
        uint64_t wraps = predicted > seen ? (predicted - seen + 32768) / 65536 : 0;
        ticks += seen + wraps * 65536;
        prev = cur;
    }
    return (prev.tsc - first.tsc) * target / ticks;
}

// Before the TSC rate is known: the median-free first guess from one PIT
// mode-0 window, good to a few percent, which tsc_over_pit_paired needs.
uint64_t tsc_over_pit(unsigned ms) {
    static uint64_t tsc_per_pit_tick_q32;
    if (!tsc_per_pit_tick_q32) {
        const PitWindow w = tsc_over_pit_once(20);
        tsc_per_pit_tick_q32 = (w.tsc << 32) / (pit_hz * 20 / 1000);
    }
    return tsc_over_pit_paired(ms, tsc_per_pit_tick_q32);
}

// TSC ticks in `ms` milliseconds, from paired samples at both ends of a
// window of at least `ms` (so where the wait loop ends does not matter).
uint64_t tsc_over_hpet(unsigned ms) {
    const uint64_t ticks = uint64_t{ms} * 1000000000000ull / hpet_period_fs;
    const auto a = tsc_sample([] { return hpet[0xf0 / 8]; });
    while (hpet[0xf0 / 8] - a.value < ticks) cpu_relax();
    const auto b = tsc_sample([] { return hpet[0xf0 / 8]; });
    const uint64_t ref_ns = (b.value - a.value) * hpet_period_fs / 1000000;
    return (b.tsc - a.tsc) * (uint64_t{ms} * 1000000) / ref_ns;
}
} // namespace

void time_init(uint64_t hpet_pa) {
    if (hpet_pa) {
        auto regs = ioremap(hpet_pa, 1024);
        if (regs) {
            hpet = static_cast<volatile uint64_t*>(regs.value());
            hpet_period_fs = hpet[0] >> 32; // GCAP_ID[63:32]: counter period in fs
            if (hpet_period_fs == 0 || hpet_period_fs > 100000000) {
                log(LogLevel::warning, "HPET: bad period %lu fs, using the PIT\n", hpet_period_fs);
                hpet = nullptr;
            } else {
                hpet[0x10 / 8] = hpet[0x10 / 8] | 1; // GEN_CONF.ENABLE_CNF
            }
        }
    }
    const uint64_t tsc = measure_tsc_against_reference(50);
    khz = tsc / 50;
    if (khz == 0) panic("time: TSC does not count");
    ns_per_tsc_mult = (1000000ull << 32) / khz;
    tsc_per_ns_mult = (khz << 32) / 1000000ull;
    boot_tsc = x86::rdtsc();
    log(LogLevel::info, "TSC: %lu.%03lu MHz (calibrated against the %s)\n", khz / 1000, khz % 1000,
        calibration_source());
}

const char* calibration_source() { return hpet ? "HPET" : "PIT"; }

uint64_t measure_tsc_against_reference(unsigned ms) {
    return hpet ? tsc_over_hpet(ms) : tsc_over_pit(ms);
}

void timer_cpu_init() {
    if (!lapic_tsc_deadline()) {
        PerCpu& p = this_cpu();
        p.lapic_timer_hz = lapic_timer_calibrate();
        p.lapic_ticks_per_ns_mult = (p.lapic_timer_hz << 32) / 1000000000ull;
        if (this_cpu().cpu_id == 0)
            log(LogLevel::info, "LAPIC timer: %lu kHz\n", this_cpu().lapic_timer_hz / 1000);
    }
}

uint64_t tsc_khz() { return khz; }
uint64_t tsc_to_ns(uint64_t d) { return mul_shift32(d, ns_per_tsc_mult); }
uint64_t ns_to_tsc(uint64_t ns) { return mul_shift32(ns, tsc_per_ns_mult); }
uint64_t now_ns() { return tsc_to_ns(x86::rdtsc() - boot_tsc); }
void time_sample(uint64_t& host_tsc, uint64_t& system_ns) {
    host_tsc = x86::rdtsc();
    system_ns = tsc_to_ns(host_tsc - boot_tsc);
}

void udelay(uint64_t us) {
    if (khz == 0) { // before calibration: the PIT is the only clock
        for (uint64_t ms = (us + 999) / 1000; ms; ms -= ms > 50 ? 50 : ms)
            (void)tsc_over_pit_once(static_cast<unsigned>(ms > 50 ? 50 : ms));
        return;
    }
    const uint64_t start = x86::rdtsc_ordered();
    const uint64_t span = us * khz / 1000;
    while (x86::rdtsc_ordered() - start < span) cpu_relax();
}

void timer_program(uint64_t deadline_ns) {
    if (deadline_ns == UINT64_MAX) {
        if (lapic_tsc_deadline()) lapic_set_tsc_deadline(0);
        else lapic_timer_oneshot(0);
        return;
    }
    if (lapic_tsc_deadline()) {
        uint64_t tsc = boot_tsc + ns_to_tsc(deadline_ns);
        lapic_set_tsc_deadline(tsc ? tsc : 1);
        return;
    }
    const uint64_t now = now_ns();
    const uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
    // ticks = delta * hz / 1e9, plus one so that the timer never fires early.
    uint64_t ticks = mul_shift32(delta, this_cpu().lapic_ticks_per_ns_mult) + 1;
    if (ticks > 0xffffffffu) ticks = 0xffffffffu;
    lapic_timer_oneshot(static_cast<uint32_t>(ticks));
}

} // namespace cxen::arch
