// AP bring-up: copy the real-mode trampoline below 1 MiB, then for each CPU
// in the MADT hand it a stack and send INIT-SIPI-SIPI; the AP reports in by
// setting its PerCpu::online.
#include "arch/apic.hpp"
#include "arch/layout.hpp"
#include "arch/paging.hpp"
#include "arch/percpu.hpp"
#include "arch/smp.hpp"
#include "arch/time.hpp"
#include "arch/x86.hpp"
#include "common/acpi/acpi.hpp"
#include "common/console/printk.hpp"
#include "lib/base/string.hpp"
#include "common/mm/xenheap.hpp"
#include "common/lib/panic.hpp"
#include "common/sched/sched.hpp"
#include "common/time/timer.hpp"
#include "arch/x86/hvm/hvm_ops.hpp"

extern "C" char trampoline_start[], trampoline_end[], tramp_efer_extra[];
extern "C" uint64_t ap_boot_stack;

namespace cxen::arch {

namespace {
volatile unsigned ap_booting_cpu;
constexpr uint64_t ap_start_timeout_ms = 5000;
} // namespace

unsigned smp_boot_cpus(const AcpiInfo& acpi, unsigned max) {
    auto* tramp = static_cast<char*>(maddr_to_virt(trampoline_phys));
    memcpy(tramp, trampoline_start, trampoline_end - trampoline_start);
    const uint32_t efer_extra = static_cast<uint32_t>(x86::rdmsr(x86::MSR_EFER) & x86::EFER_NXE);
    memcpy(tramp + (tramp_efer_extra - trampoline_start), &efer_extra, sizeof(efer_extra));

    const uint32_t bsp_apic = lapic_id();
    unsigned next = 1;
    for (size_t i = 0; i < acpi.nr_cpus; ++i) {
        const AcpiCpu& c = acpi.cpus[i];
        if (!c.enabled || c.apic_id == bsp_apic) continue;
        if (next >= max || next >= max_cpus) {
            log(LogLevel::info, "SMP: limit of %u CPUs reached; not starting APIC ID %u\n", next, c.apic_id);
            continue;
        }
        auto stack = alloc_xenheap_pages(stack_order);
        if (!stack) {
            log(LogLevel::error, "SMP: no memory for the stack of CPU%u\n", next);
            break;
        }
        const uint64_t bottom = reinterpret_cast<uint64_t>(stack.value());
        const uint64_t top = bottom + (page_size << stack_order);
        ap_booting_cpu = next;
        per_cpu(next).stack_bottom = bottom;
        per_cpu(next).stack_top = top;
        per_cpu(next).acpi_id = c.acpi_uid;
        ap_boot_stack = top;
        __asm__ volatile("" ::: "memory");
        lapic_start_ap(c.apic_id, trampoline_phys >> 12);
        const uint64_t deadline = now_ns() + ap_start_timeout_ms * 1000000;
        while (!per_cpu(next).online && now_ns() < deadline) cpu_relax();
        if (!per_cpu(next).online) {
            log(LogLevel::error, "SMP: CPU%u (APIC ID %u) did not start\n", next, c.apic_id);
            free_xenheap_pages(stack.value(), stack_order);
            continue;
        }
        ++next;
    }
    return nr_cpus_online();
}

} // namespace cxen::arch

using namespace cxen;
using namespace cxen::arch;

extern "C" [[noreturn]] void ap_start() {
    const unsigned cpu = ap_booting_cpu;
    paging_load();
    PerCpu& p = per_cpu(cpu);
    cpu_init_percpu(cpu, p.stack_bottom, p.stack_top);
    lapic_init();
    timer_cpu_init();
    timers_init_cpu(cpu);
    if (arch::hvm::hvm_enabled())
        if (auto st = arch::hvm::hvm_cpu_up(); !st)
            panic("%s: cannot enable on CPU%u (%s)", arch::hvm::hvm_funcs.name, cpu, errno_name(st.error()));
    sched_init_cpu(cpu);
    log(LogLevel::info, "CPU%u: APIC ID %u online\n", cpu, p.apic_id);
    p.online = true;
    irq_enable();
    sched_loop();
}
