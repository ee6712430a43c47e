#include "smp.hpp"

#include "apic.hpp"
#include "hypercall.hpp"
#include "string.hpp"
#include "x86.hpp"

#include <xen/hvm/hvm_vcpu.h>

extern "C" const uint8_t irq_stubs[];                                  // smp_entry.S
extern "C" const uint8_t ap_trampoline_start[], ap_trampoline_end[];   // smp_entry.S
extern "C" void ap_start32();
extern "C" void ap_start64();
extern "C" uint64_t ap_boot_stack;
extern "C" uint64_t pml4[];                                            // start.S

namespace cxen::guest {

namespace {

struct IdtGate {
    uint16_t offset_lo, selector;
    uint8_t ist, type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi, reserved;
};
static_assert(sizeof(IdtGate) == 16);

struct [[gnu::packed]] DescriptorPtr {
    uint16_t limit;
    uint64_t base;
};

alignas(16) constinit IdtGate idt[256]{};
constinit bool idt_built = false;
constinit IrqHandler handlers[256]{};

constexpr unsigned ap_stack_size = 16384;
alignas(16) constinit uint8_t ap_stacks[max_guest_cpus][ap_stack_size]{};
constinit volatile bool online[max_guest_cpus]{};
using CallFn = void (*)(unsigned);
constinit CallFn volatile call_fn[max_guest_cpus]{};
constinit volatile unsigned call_done[max_guest_cpus]{};

void load_idt() {
    DescriptorPtr p{sizeof(idt) - 1, reinterpret_cast<uintptr_t>(idt)};
    asm volatile("lidt %0" ::"m"(p));
}

void on_call_ipi(uint8_t) {
    const unsigned cpu = this_cpu();
    apic::eoi();
    if (auto fn = call_fn[cpu]) {
        call_fn[cpu] = nullptr;
        fn(cpu);
        __atomic_add_fetch(&call_done[cpu], 1, __ATOMIC_SEQ_CST);
    }
}

} // namespace

void irq_init() {
    if (!idt_built) {
        // Keep the framework's exception gates (trap.cpp) for vectors 0-31.
        DescriptorPtr cur{};
        asm volatile("sidt %0" : "=m"(cur));
        memcpy(idt, reinterpret_cast<const void*>(cur.base), cur.limit + 1u < sizeof(idt) ? cur.limit + 1u : sizeof(idt));
        for (unsigned v = 32; v < 256; ++v) {
            const uint64_t off = reinterpret_cast<uintptr_t>(irq_stubs) + (v - 32) * 16;
            idt[v] = IdtGate{static_cast<uint16_t>(off), 0x08, 0, 0x8e, static_cast<uint16_t>(off >> 16),
                             static_cast<uint32_t>(off >> 32), 0};
        }
        handlers[call_vector] = on_call_ipi;
        idt_built = true;
    }
    load_idt();
    apic::enable();
}

void set_irq_handler(uint8_t vector, IrqHandler h) { handlers[vector] = h; }

unsigned nr_vcpus() { return (x86::cpuid(1).ebx >> 16) & 0xff; }
unsigned this_cpu() { return apic::my_id() / 2; }
bool cpu_is_online(unsigned cpu) { return cpu < max_guest_cpus && online[cpu]; }

uint64_t tsc_khz() {
    if (!xen().present || xen().max_leaf < xen().cpuid_base + 3) return 0;
    return x86::cpuid(xen().cpuid_base + 3, 0).ecx;
}
uint64_t tsc_to_us(uint64_t ticks) {
    const uint64_t khz = tsc_khz();
    return khz ? ticks * 1000 / khz : 0;
}

namespace {
void prepare_stack(unsigned cpu) {
    ap_boot_stack = reinterpret_cast<uintptr_t>(ap_stacks[cpu] + ap_stack_size);
    online[cpu] = false;
    x86::barrier();
}
} // namespace

bool start_ap_init_sipi(unsigned cpu, unsigned timeout_ms) {
    if (cpu == 0 || cpu >= max_guest_cpus) return false;
    memcpy(reinterpret_cast<void*>(ap_trampoline_gpa), ap_trampoline_start,
           static_cast<size_t>(ap_trampoline_end - ap_trampoline_start));
    prepare_stack(cpu);
    const uint32_t dest = cpu * 2;
    apic::write(apic::icr, (uint64_t{dest} << 32) | apic::icr_init | apic::icr_assert | apic::icr_level);
    apic::write(apic::icr, (uint64_t{dest} << 32) | apic::icr_init | apic::icr_level); // de-assert
    for (int i = 0; i < 2; ++i)
        apic::write(apic::icr, (uint64_t{dest} << 32) | apic::icr_startup | (ap_trampoline_gpa >> 12));
    return spin_until([cpu] { return online[cpu]; }, timeout_ms);
}

long start_ap_vcpuop(unsigned cpu, ApMode mode, unsigned timeout_ms) {
    if (cpu == 0 || cpu >= max_guest_cpus) return -static_cast<long>(Errno::XEN_EINVAL);
    prepare_stack(cpu);
    vcpu_hvm_context ctx{};
    if (mode == ApMode::hvm64) {
        ctx.mode = VCPU_HVM_MODE_64B;
        auto& r = ctx.cpu_regs.x86_64;
        r.rip = reinterpret_cast<uintptr_t>(ap_start64);
        r.rsp = ap_boot_stack;
        r.rflags = 2;
        r.cr0 = x86::read_cr0();
        r.cr3 = x86::read_cr3();
        r.cr4 = x86::read_cr4();
        r.efer = x86::rdmsr(x86::msr_efer);
    } else {
        ctx.mode = VCPU_HVM_MODE_32B;
        auto& r = ctx.cpu_regs.x86_32;
        r.eip = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(ap_start32));
        r.eflags = 2;
        r.cr0 = 0x11; // PE | ET, as the PVH entry state
        r.cs_limit = r.ds_limit = r.ss_limit = r.es_limit = 0xffffffff;
        r.cs_ar = 0xc9b;
        r.ds_ar = r.ss_ar = r.es_ar = 0xc93;
        r.tr_limit = 0x67;
        r.tr_ar = 0x8b;
    }
    if (long rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, cpu, &ctx)) return rc;
    if (long rc = HYPERVISOR_vcpu_op(VCPUOP_up, cpu, nullptr)) return rc;
    return spin_until([cpu] { return online[cpu]; }, timeout_ms) ? 0 : -static_cast<long>(Errno::XEN_ETIMEDOUT);
}

void arm_watchdog(unsigned) {
    irq_init();
    if (!handlers[watchdog_vector]) handlers[watchdog_vector] = [](uint8_t) { apic::eoi(); };
    // A periodic 50 ms tick: every HLT ends within 50 ms, and halt_until()
    // checks its own deadline on the TSC.
    apic::write(apic::timer_divide, 0xb); // 1 tick per ns
    apic::write(apic::lvt_timer, apic::lvt_periodic | watchdog_vector);
    apic::write(apic::timer_initial, 50'000'000);
}
void disarm_watchdog() { apic::write(apic::timer_initial, 0); }

bool run_on(unsigned cpu, void (*fn)(unsigned), bool wait, unsigned timeout_ms) {
    if (!cpu_is_online(cpu)) return false;
    const unsigned before = call_done[cpu];
    call_fn[cpu] = fn;
    apic::send_ipi(cpu * 2, call_vector);
    if (!wait) return true;
    return spin_until([cpu, before] { return call_done[cpu] != before; }, timeout_ms);
}

} // namespace cxen::guest

using namespace cxen::guest;

/// Called by irq_common (smp_entry.S) with interrupts off.
extern "C" void irq_dispatch(uint64_t vector) {
    if (IrqHandler h = handlers[vector & 0xff]) h(static_cast<uint8_t>(vector));
    else if (vector != 0xff) apic::eoi(); // unexpected: acknowledge so it cannot block lower vectors
}

/// First C++ code of an AP (smp_entry.S), on its own stack.
extern "C" [[noreturn]] void ap_main() {
    load_idt();
    apic::enable();
    const unsigned cpu = this_cpu();
    if (cpu < max_guest_cpus) online[cpu] = true;
    for (;;) wait_for_interrupt();
}
