// Local APIC driver. x2APIC (MSR access) when CPUID.1:ECX[21] says so, else
// xAPIC through an uncached mapping of the MMIO page (QEMU 7.2's TCG has no
// x2APIC). Register offsets: Intel SDM Vol. 3, table 11-1.
#include "arch/apic.hpp"

#include "arch/paging.hpp"
#include "arch/percpu.hpp"
#include "arch/time.hpp"
#include "arch/traps.hpp"
#include "arch/tsc_sample.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "common/lib/panic.hpp"

namespace cxen::arch {

namespace {
constexpr uint32_t REG_ID = 0x020, REG_VERSION = 0x030, REG_TPR = 0x080, REG_EOI = 0x0b0,
                   REG_LDR = 0x0d0, REG_DFR = 0x0e0, REG_SVR = 0x0f0, REG_ESR = 0x280,
                   REG_ICR_LO = 0x300, REG_ICR_HI = 0x310, REG_LVT_TIMER = 0x320,
                   REG_LVT_LINT0 = 0x350, REG_LVT_LINT1 = 0x360, REG_LVT_ERROR = 0x370,
                   REG_TIMER_INIT = 0x380, REG_TIMER_CUR = 0x390, REG_TIMER_DIV = 0x3e0;
constexpr uint32_t SVR_ENABLE = 1u << 8;
constexpr uint32_t LVT_MASKED = 1u << 16;
constexpr uint32_t LVT_TIMER_TSC_DEADLINE = 2u << 17;
constexpr uint32_t ICR_LEVEL_ASSERT = 1u << 14;
constexpr uint32_t ICR_BUSY = 1u << 12;
constexpr uint32_t ICR_ALLBUTSELF = 3u << 18;

bool x2apic;
bool tsc_deadline;
bool ready;
volatile uint32_t* mmio;

uint32_t read(uint32_t reg) {
    if (x2apic) return static_cast<uint32_t>(x86::rdmsr(x86::MSR_X2APIC_BASE + (reg >> 4)));
    return mmio[reg / 4];
}
void write(uint32_t reg, uint32_t v) {
    if (x2apic) x86::wrmsr(x86::MSR_X2APIC_BASE + (reg >> 4), v);
    else mmio[reg / 4] = v;
}
void wait_icr_idle() {
    if (x2apic) return; // x2APIC ICR writes do not need the busy poll
    while (read(REG_ICR_LO) & ICR_BUSY) cpu_relax();
}
void send_icr(uint32_t dest, uint32_t low) {
    if (x2apic) {
        __asm__ volatile("mfence" ::: "memory"); // order prior stores before the IPI
        x86::wrmsr(x86::MSR_X2APIC_BASE + (REG_ICR_LO >> 4), (uint64_t{dest} << 32) | low);
        return;
    }
    wait_icr_idle();
    write(REG_ICR_HI, dest << 24);
    write(REG_ICR_LO, low);
    wait_icr_idle();
}
} // namespace

void lapic_init() {
    const bool bsp = this_cpu().cpu_id == 0;
    if (bsp) {
        const auto leaf1 = x86::cpuid(1);
        x2apic = leaf1.ecx & (1u << 21);
        tsc_deadline = leaf1.ecx & (1u << 24);
    }
    uint64_t base = x86::rdmsr(x86::MSR_APIC_BASE);
    base |= x86::APIC_BASE_EN;
    if (x2apic) base |= x86::APIC_BASE_EXTD;
    x86::wrmsr(x86::MSR_APIC_BASE, base);
    if (bsp && !x2apic) {
        auto va = ioremap(base & 0xfffff000u, page_size);
        if (!va) panic("lapic: cannot map the xAPIC page");
        mmio = static_cast<volatile uint32_t*>(va.value());
    }
    if (!x2apic) write(REG_DFR, 0xffffffff); // flat model
    write(REG_TPR, 0);
    write(REG_LVT_TIMER, LVT_MASKED | vector_timer);
    write(REG_LVT_LINT0, LVT_MASKED);
    write(REG_LVT_LINT1, LVT_MASKED);
    write(REG_LVT_ERROR, vector_apic_error);
    write(REG_ESR, 0);
    write(REG_SVR, SVR_ENABLE | vector_spurious);
    write(REG_TIMER_DIV, 0xb); // divide by 1
    this_cpu().apic_id = lapic_id();
    if (bsp) {
        ready = true;
        log(LogLevel::info, "Local APIC: %s mode, version %#x, timer %s\n", x2apic ? "x2APIC" : "xAPIC",
            read(REG_VERSION) & 0xff, tsc_deadline ? "TSC-deadline" : "one-shot");
    }
}

bool lapic_ready() { return ready; }
bool lapic_x2apic() { return x2apic; }
bool lapic_tsc_deadline() { return tsc_deadline; }

uint32_t lapic_id() { return x2apic ? read(REG_ID) : read(REG_ID) >> 24; }

void lapic_eoi() { write(REG_EOI, 0); }

void lapic_resample() { write(REG_TPR, read(REG_TPR)); }

void lapic_send_ipi(uint32_t apic_id, uint8_t vector, IpiMode mode) {
    const unsigned long flags = irq_save();
    send_icr(apic_id, static_cast<uint32_t>(mode) | ICR_LEVEL_ASSERT | vector);
    irq_restore(flags);
}

void lapic_send_ipi_allbutself(uint8_t vector, IpiMode mode) {
    const unsigned long flags = irq_save();
    send_icr(0, ICR_ALLBUTSELF | static_cast<uint32_t>(mode) | ICR_LEVEL_ASSERT | vector);
    irq_restore(flags);
}

void lapic_start_ap(uint32_t apic_id, uint8_t page) {
    // Intel SDM 8.4.4.1: INIT, 10 ms, STARTUP, 200 us, STARTUP.
    send_icr(apic_id, static_cast<uint32_t>(IpiMode::init) | ICR_LEVEL_ASSERT);
    udelay(10000);
    for (int i = 0; i < 2; ++i) {
        send_icr(apic_id, static_cast<uint32_t>(IpiMode::startup) | page);
        udelay(200);
    }
}

void lapic_timer_oneshot(uint32_t ticks) {
    write(REG_LVT_TIMER, vector_timer); // one-shot, unmasked
    write(REG_TIMER_INIT, ticks);
}

void lapic_set_tsc_deadline(uint64_t tsc) {
    write(REG_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | vector_timer);
    __asm__ volatile("mfence" ::: "memory"); // SDM: order the LVT write before the MSR
    x86::wrmsr(x86::MSR_TSC_DEADLINE, tsc);
}

uint64_t lapic_timer_calibrate() {
    // LAPIC ticks per second from paired (TSC, count) samples at both ends
    // of a >= 10 ms window, timer masked: a deschedule anywhere between the
    // samples moves both clocks alike, so only the pairing limits precision
    // (reading the count once after the wait counted any delay after the
    // wait as LAPIC time: up to 3x too fast on a loaded host).
    write(REG_LVT_TIMER, LVT_MASKED | vector_timer);
    write(REG_TIMER_DIV, 0xb);
    for (;;) {
        write(REG_TIMER_INIT, 0xffffffff);
        const auto a = tsc_sample([] { return read(REG_TIMER_CUR); });
        const uint64_t span = tsc_khz() * 10;
        while (x86::rdtsc_ordered() - a.tsc < span) cpu_relax();
        const auto b = tsc_sample([] { return read(REG_TIMER_CUR); });
        // A window stretched past 2^30 ticks (a deschedule of a second or
        // more) could overflow below, or have run the count out: again.
        const uint64_t ticks = a.value - b.value;
        if (b.value == 0 || b.value >= a.value || b.tsc <= a.tsc || ticks > (1u << 30)) continue;
        write(REG_TIMER_INIT, 0);
        return ticks * tsc_khz() * 1000 / (b.tsc - a.tsc); // < 2^30 * 2^23 * 2^10
    }
}

} // namespace cxen::arch
