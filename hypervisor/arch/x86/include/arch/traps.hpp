// Exception and interrupt dispatch (x86-64).
#pragma once

#include <cstdint>

namespace cxen::arch {

/// Saved state on entry to handle_trap; layout fixed by entry.S.
struct TrapFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; // pushed by the CPU
};
static_assert(sizeof(TrapFrame) == 22 * 8);

/// Interrupt vectors owned by the hypervisor.
enum Vector : uint8_t {
    vector_timer = 0xf0,         ///< LAPIC timer (per-CPU one-shot)
    vector_call_function = 0xf1, ///< cross-CPU function call IPI
    vector_event_check = 0xf2,   ///< wake a CPU to look at its softirqs
    vector_apic_error = 0xfe,
    vector_spurious = 0xff,
};

using IrqHandler = void (*)(TrapFrame&);

/// Route a vector (>= 32) to handler; the LAPIC EOI is sent after it returns.
void set_irq_handler(uint8_t vector, IrqHandler handler);

/// Print the registers of f and a symbolized backtrace starting at it.
void dump_trap_frame(const TrapFrame& f);

/// Print a symbolized backtrace walking the frame-pointer chain from rbp.
void print_backtrace(uint64_t rip, uint64_t rbp);

/// Human name of an exception vector ("page fault"), or "interrupt".
const char* exception_name(unsigned vector);

} // namespace cxen::arch
