// Exception and interrupt dispatch. Exceptions are the hypervisor's own
// bugs (guests' exceptions arrive as VM exits), so every one is fatal: print
// the state, a symbolized backtrace, and panic.
#include "arch/traps.hpp"

#include "arch/apic.hpp"
#include "arch/panic_arch.hpp"
#include "arch/percpu.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "common/lib/symbols.hpp"

namespace cxen::arch {

namespace {
IrqHandler irq_handlers[256];

constexpr const char* exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coprocessor segment overrun",
    "invalid TSS", "segment not present", "stack fault", "general protection fault",
    "page fault", "reserved", "x87 FPU error", "alignment check", "machine check",
    "SIMD error", "virtualization exception", "control protection", "reserved",
    "reserved", "reserved", "reserved", "reserved", "reserved", "hypervisor injection",
    "VMM communication", "security exception", "reserved"};

void print_symbol_line(const char* tag, uint64_t addr) {
    SymbolHit hit;
    if (symbol_lookup(hypervisor_symbols(), addr, hit))
        printk("   [<%016lx>] %s %s+%#lx/%#lx\n", addr, tag, hit.name, hit.offset, hit.size);
    else
        printk("   [<%016lx>] %s ???\n", addr, tag);
}

// A frame pointer is followed only while it stays inside this CPU's stacks.
bool frame_ok(uint64_t rbp, uint64_t prev) {
    if (rbp == 0 || (rbp & 7) || rbp <= prev) return false;
    const PerCpu& p = this_cpu();
    return rbp >= p.stack_bottom && rbp + 16 <= p.stack_top;
}

[[noreturn]] void fatal_trap(const TrapFrame& f) {
    panic_begin();
    dump_trap_frame(f);
    const char* name = exception_name(static_cast<unsigned>(f.vector));
    if (f.vector == 14)
        panic_end("FATAL PAGE FAULT\n[error_code=%04lx]\nFaulting linear address: %016lx",
                  f.error_code, x86::read_cr2());
    panic_end("FATAL TRAP: vector = %lu (%s)\n[error_code=%04lx]", f.vector, name, f.error_code);
}
} // namespace

const char* exception_name(unsigned vector) {
    return vector < 32 ? exception_names[vector] : "interrupt";
}

void set_irq_handler(uint8_t vector, IrqHandler handler) { irq_handlers[vector] = handler; }

void print_backtrace(uint64_t rip, uint64_t rbp) {
    printk("Xen call trace:\n");
    print_symbol_line("R", rip);
    uint64_t prev = 0;
    for (unsigned depth = 0; depth < 32 && frame_ok(rbp, prev); ++depth) {
        auto* frame = reinterpret_cast<const uint64_t*>(rbp);
        uint64_t ret = frame[1];
        if (ret == 0) break;
        print_symbol_line("F", ret);
        prev = rbp;
        rbp = frame[0];
    }
}

void dump_trap_frame(const TrapFrame& f) {
    printk("----[ cxen x86_64 ]----\n");
    printk("CPU:    %u\n", this_cpu().cpu_id);
    SymbolHit hit;
    bool found = symbol_lookup(hypervisor_symbols(), f.rip, hit);
    printk("RIP:    %04lx:[<%016lx>] %s+%#lx\n", f.cs, f.rip, found ? hit.name : "???",
           found ? hit.offset : 0);
    printk("RFLAGS: %016lx   CONTEXT: hypervisor\n", f.rflags);
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n", f.rax, f.rbx, f.rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", f.rdx, f.rsi, f.rdi);
    printk("rbp: %016lx   rsp: %016lx   r8:  %016lx\n", f.rbp, f.rsp, f.r8);
    printk("r9:  %016lx   r10: %016lx   r11: %016lx\n", f.r9, f.r10, f.r11);
    printk("r12: %016lx   r13: %016lx   r14: %016lx\n", f.r12, f.r13, f.r14);
    printk("r15: %016lx   cr0: %016lx   cr4: %016lx\n", f.r15, x86::read_cr0(), x86::read_cr4());
    printk("cr3: %016lx   cr2: %016lx\n", x86::read_cr3(), x86::read_cr2());
    printk("ss: %04lx   cs: %04lx   vector: %lu   error code: %04lx\n", f.ss, f.cs, f.vector,
           f.error_code);
    print_backtrace(f.rip, f.rbp);
}

} // namespace cxen::arch

using namespace cxen;
using namespace cxen::arch;

extern "C" void handle_trap(TrapFrame* f) {
    const uint64_t vec = f->vector;
    if (vec == 2) { // NMI: the only use today is "stop, another CPU panicked"
        if (panic_in_progress()) x86::halt_forever();
        log(LogLevel::warning, "CPU%u: unexpected NMI\n", this_cpu().cpu_id);
        return;
    }
    if (vec < 32) fatal_trap(*f);
    ++this_cpu().irq_count;
    if (IrqHandler h = irq_handlers[vec]) h(*f);
    else if (vec != vector_spurious) log(LogLevel::warning, "CPU%u: no handler for vector %#lx\n", this_cpu().cpu_id, vec);
    if (vec != vector_spurious) lapic_eoi();
}
