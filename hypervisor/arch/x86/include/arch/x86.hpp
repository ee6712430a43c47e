// x86-64 instructions and architectural constants (Intel SDM / AMD APM Vol. 2).
#pragma once

#include <cstdint>

#include "arch/cpufeatureset.hpp"
#include "arch/msr_index.hpp"
#include "arch/x86_defns.hpp"

namespace cxen::x86 {

struct CpuidRegs {
    uint32_t eax, ebx, ecx, edx;
};

inline CpuidRegs cpuid(uint32_t leaf, uint32_t subleaf = 0) {
    CpuidRegs r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}
inline uint32_t cpuid_max_ext() { return cpuid(0x80000000).eax; }

inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t{hi} << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t v) {
    __asm__ volatile("wrmsr" ::"c"(msr), "a"(static_cast<uint32_t>(v)), "d"(static_cast<uint32_t>(v >> 32))
                     : "memory");
}
inline uint64_t rdtsc() {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t{hi} << 32) | lo;
}
/// RDTSC that does not start before earlier loads complete (LFENCE is
/// dispatch-serialising on AMD with the usual MSR setting, and on Intel).
inline uint64_t rdtsc_ordered() {
    __asm__ volatile("lfence" ::: "memory");
    return rdtsc();
}

inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
inline uint8_t inb(uint16_t port) {
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline uint32_t inl(uint16_t port) {
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

#define CXEN_CR_ACCESSORS(n)                                                                       \
    inline uint64_t read_cr##n() {                                                                 \
        uint64_t v;                                                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    inline void write_cr##n(uint64_t v) { __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory"); }
CXEN_CR_ACCESSORS(0)
CXEN_CR_ACCESSORS(2)
CXEN_CR_ACCESSORS(3)
CXEN_CR_ACCESSORS(4)
#undef CXEN_CR_ACCESSORS

inline void invlpg(const void* va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }
inline void halt() { __asm__ volatile("hlt" ::: "memory"); }
/// Enable interrupts and halt atomically (STI's one-instruction shadow), so a
/// wake-up interrupt cannot slip in between the check and the HLT.
inline void safe_halt() { __asm__ volatile("sti; hlt" ::: "memory"); }

[[noreturn]] inline void halt_forever() {
    for (;;) __asm__ volatile("cli; hlt" ::: "memory");
}

} // namespace cxen::x86
