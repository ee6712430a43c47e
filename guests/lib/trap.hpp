// CPU exceptions in a guest test kernel. Every exception vector has a gate;
// an exception goes to the innermost recovery point, which abandons the code
// that faulted and resumes where the point was set (like longjmp). The test
// runner sets one around each test case (an unexpected exception fails that
// case and the run goes on); catch_fault() sets one to expect a fault. With
// no recovery point the kernel reports a FAIL and shuts down as crashed.
//
// Abandoning code skips its destructors: keep RAII state out of code that is
// expected to fault. The runner restores the hypercall mode after each case.
#pragma once

#include <cstdint>
#include <type_traits>

namespace cxen::guest {

/// Registers as trap_entry.S leaves them; field order is the push order.
struct TrapFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code; // error code 0 where the CPU pushes none
    uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(TrapFrame) == 22 * 8);

struct FaultInfo {
    bool faulted = false;
    uint8_t vector = 0;
    uint64_t error_code = 0;
    uint64_t rip = 0;
    uint64_t cr2 = 0; ///< meaningful for #PF (vector 14)
    TrapFrame frame{};
};

/// "#PF", "#GP", ... for vectors 0..31; "#??" otherwise.
const char* exception_name(unsigned vector);

/// Register dump, five lines indented by two spaces.
void print_trap_frame(const TrapFrame& f);

/// Load the IDT (vectors 0..31). Called first thing by guest_main.
void trap_init();

/// Callee-saved registers, RSP, RIP, RFLAGS (layout fixed in trap_entry.S).
struct JmpBuf {
    uint64_t regs[9];
};
extern "C" [[gnu::returns_twice]] int guest_setjmp(JmpBuf* jb);
extern "C" [[noreturn]] void guest_longjmp(JmpBuf* jb, int value);

/// Where the next exception resumes. Set up with push_recovery(), then
/// `if (guest_setjmp(&rp.jb) == 0) { ...code... }`, then pop_recovery().
struct RecoveryPoint {
    JmpBuf jb{};
    FaultInfo fault{};
    RecoveryPoint* outer = nullptr;
};
void push_recovery(RecoveryPoint* rp);
void pop_recovery(RecoveryPoint* rp);

/// Run fn(ctx). If it raises an exception, abandon it and return what
/// happened; otherwise return {faulted = false}.
FaultInfo catch_fault_fn(void (*fn)(void*), void* ctx);

/// catch_fault([&] { asm volatile("ud2"); }).vector == 6
template <typename F> FaultInfo catch_fault(F&& f) {
    using Fn = std::remove_reference_t<F>;
    return catch_fault_fn([](void* p) { (*static_cast<Fn*>(p))(); }, &f);
}

} // namespace cxen::guest
