// x86 instructions the guest framework and tests use: CPUID, port I/O, MSRs,
// control registers, HLT. Thin inline wrappers, no state.
#pragma once

#include <cstdint>

namespace cxen::guest::x86 {

struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(subleaf));
    return r;
}

inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline uint8_t inb(uint16_t port) {
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }

inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t{hi} << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t v) {
    asm volatile("wrmsr" ::"c"(msr), "a"(static_cast<uint32_t>(v)),
                 "d"(static_cast<uint32_t>(v >> 32))
                 : "memory");
}

inline uint64_t read_cr0() {
    uint64_t v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
inline uint64_t read_cr2() {
    uint64_t v;
    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
inline uint64_t read_cr3() {
    uint64_t v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
inline uint64_t read_cr4() {
    uint64_t v;
    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

/// Compiler barrier: on x86 (TSO) it orders stores to shared rings, as
/// Linux's virt_wmb()/virt_rmb() do.
inline void barrier() { asm volatile("" ::: "memory"); }

/// Stop this vCPU for good: interrupts off, HLT in a loop.
[[noreturn]] inline void halt_forever() {
    for (;;) asm volatile("cli; hlt");
}

constexpr uint32_t msr_efer = 0xc0000080;
constexpr uint64_t efer_lme = uint64_t{1} << 8;
constexpr uint64_t efer_lma = uint64_t{1} << 10;
constexpr uint64_t cr0_pg = uint64_t{1} << 31;
constexpr uint64_t cr4_pae = uint64_t{1} << 5;
constexpr uint32_t cpuid1_ecx_hypervisor = 1u << 31; ///< CPUID.1:ECX "running under a hypervisor"

} // namespace cxen::guest::x86
