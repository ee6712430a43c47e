#include "trap.hpp"

#include "console.hpp"
#include "shutdown.hpp"
#include "test.hpp"
#include "x86.hpp"

extern "C" const uint64_t trap_stubs[32]; // trap_entry.S

namespace cxen::guest {

namespace {

/// 64-bit interrupt gate (Intel SDM Vol. 3, 6.14.1).
struct IdtGate {
    uint16_t offset_lo;  // 0x0
    uint16_t selector;   // 0x2
    uint8_t ist;         // 0x4
    uint8_t type_attr;   // 0x5: P | DPL 0 | type 0xE (interrupt gate: IF cleared)
    uint16_t offset_mid; // 0x6
    uint32_t offset_hi;  // 0x8
    uint32_t reserved;   // 0xc
};
static_assert(sizeof(IdtGate) == 16);

constexpr uint16_t sel_code64 = 0x08; // start.S GDT
constexpr uint8_t gate_interrupt = 0x8e;

alignas(16) constinit IdtGate idt[32]{};
constinit RecoveryPoint* innermost = nullptr;
constinit unsigned handler_depth = 0;

struct [[gnu::packed]] DescriptorPtr {
    uint16_t limit;
    uint64_t base;
};

} // namespace

const char* exception_name(unsigned vector) {
    static constexpr const char* names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
        "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
        "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31"};
    return vector < 32 ? names[vector] : "#??";
}

void trap_init() {
    for (unsigned v = 0; v < 32; ++v) {
        uint64_t off = trap_stubs[v];
        idt[v] = IdtGate{static_cast<uint16_t>(off), sel_code64, 0, gate_interrupt,
                         static_cast<uint16_t>(off >> 16), static_cast<uint32_t>(off >> 32), 0};
    }
    DescriptorPtr p{sizeof(idt) - 1, reinterpret_cast<uintptr_t>(idt)};
    asm volatile("lidt %0" ::"m"(p));
}

void push_recovery(RecoveryPoint* rp) {
    rp->outer = innermost;
    innermost = rp;
}

void pop_recovery(RecoveryPoint* rp) {
    if (innermost == rp) innermost = rp->outer;
}

FaultInfo catch_fault_fn(void (*fn)(void*), void* ctx) {
    RecoveryPoint rp;
    push_recovery(&rp);
    if (guest_setjmp(&rp.jb) == 0) {
        fn(ctx);
        pop_recovery(&rp);
        return FaultInfo{};
    }
    pop_recovery(&rp);
    return rp.fault;
}

void print_trap_frame(const TrapFrame& f) {
    printf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f.rax, f.rbx, f.rcx, f.rdx);
    printf("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", f.rsi, f.rdi, f.rbp, f.rsp);
    printf("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", f.r8, f.r9, f.r10, f.r11);
    printf("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", f.r12, f.r13, f.r14, f.r15);
    printf("  rip %016lx rflags %08lx cs %04lx ss %04lx\n", f.rip, f.rflags, f.cs, f.ss);
}

} // namespace cxen::guest

using namespace cxen::guest;

/// Called by trap_entry.S for every exception, on the stack that faulted.
extern "C" void trap_handler(TrapFrame* f) {
    if (handler_depth++ > 0) {
        e9_write("cxen guest: exception in the exception handler; crashing\n");
        shutdown_raw(Verdict::crash);
    }
    FaultInfo info;
    info.faulted = true;
    info.vector = static_cast<uint8_t>(f->vector);
    info.error_code = f->error_code;
    info.rip = f->rip;
    info.cr2 = f->vector == 14 ? x86::read_cr2() : 0;
    info.frame = *f;
    if (RecoveryPoint* rp = innermost) {
        rp->fault = info;
        handler_depth = 0;
        guest_longjmp(&rp->jb, 1);
    }
    const char* name = exception_name(static_cast<unsigned>(f->vector));
    const char* test = current_test_name();
    console_end_line();
    printf("exception %s at rip %#lx with no recovery point:\n", name, f->rip);
    print_trap_frame(*f);
    if (test[0])
        guest_panic("unexpected exception %s (vector %lu, error code %#lx) at rip %#lx in test case "
                    "'%s', which removed its recovery point",
                    name, f->vector, f->error_code, f->rip, test);
    guest_panic("unexpected exception %s (vector %lu, error code %#lx) outside a test case at rip %#lx",
                name, f->vector, f->error_code, f->rip);
}
