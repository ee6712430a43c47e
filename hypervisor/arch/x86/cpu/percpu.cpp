// GDT, TSS, IDT and GS set-up for each pCPU.
#include "arch/percpu.hpp"

#include "arch/cpu.hpp"
#include "arch/x86.hpp"
#include "lib/base/string.hpp"

extern "C" char trap_stubs[];

namespace cxen::arch {

namespace {
PerCpu percpu[max_cpus];
alignas(16) uint8_t ist_stacks[max_cpus][3][ist_stack_size];

struct __attribute__((packed)) DescPtr {
    uint16_t limit;
    uint64_t base;
};

struct IdtEntry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr; // P | DPL | type (0xE interrupt gate)
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};
static_assert(sizeof(IdtEntry) == 16);

// One IDT for all CPUs: every vector enters through its stub in entry.S.
alignas(16) IdtEntry idt[256];

void build_idt() {
    for (unsigned v = 0; v < 256; ++v) {
        uint64_t addr = reinterpret_cast<uint64_t>(trap_stubs) + 16 * v;
        IdtEntry& e = idt[v];
        e.offset_lo = addr & 0xffff;
        e.selector = sel_cs;
        e.ist = static_cast<uint8_t>(v == 2 ? ist_nmi : v == 8 ? ist_df : v == 18 ? ist_mc : 0u);
        e.type_attr = 0x8e;
        e.offset_mid = (addr >> 16) & 0xffff;
        e.offset_hi = static_cast<uint32_t>(addr >> 32);
        e.reserved = 0;
    }
}
} // namespace

PerCpu& per_cpu(unsigned cpu) { return percpu[cpu]; }

unsigned smp_processor_id() { return this_cpu().cpu_id; }

unsigned nr_cpus_online() {
    unsigned n = 0;
    for (auto& p : percpu) n += p.online;
    return n;
}

void cpu_init_percpu(unsigned cpu, uint64_t stack_bottom, uint64_t stack_top) {
    if (cpu == 0) build_idt();
    PerCpu& p = percpu[cpu];
    p.self = &p;
    p.cpu_id = cpu;
    p.stack_bottom = stack_bottom;
    p.stack_top = stack_top;

    memset(&p.tss, 0, sizeof(p.tss));
    p.tss.rsp[0] = stack_top;
    for (unsigned i = 0; i < 3; ++i)
        p.tss.ist[i] = reinterpret_cast<uint64_t>(&ist_stacks[cpu][i][ist_stack_size]);
    p.tss.iomap_base = sizeof(Tss); // no I/O bitmap

    p.gdt[0] = 0;
    p.gdt[1] = 0x00af9a000000ffffull; // CS64, DPL0
    p.gdt[2] = 0x00cf92000000ffffull; // DS
    p.gdt[3] = 0;
    auto tss = reinterpret_cast<uint64_t>(&p.tss);
    uint64_t limit = sizeof(Tss) - 1;
    p.gdt[4] = (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
               (((limit >> 16) & 0xf) << 48) | (((tss >> 24) & 0xff) << 56);
    p.gdt[5] = tss >> 32;

    DescPtr gdtr{sizeof(p.gdt) - 1, reinterpret_cast<uint64_t>(p.gdt)};
    DescPtr idtr{sizeof(idt) - 1, reinterpret_cast<uint64_t>(idt)};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     "lidt %3\n\t"
                     "ltr %w4"
                     :
                     : "m"(gdtr), "i"(sel_cs), "i"(sel_ds), "m"(idtr), "r"(sel_tss)
                     : "rax", "memory");
    x86::wrmsr(x86::MSR_GS_BASE, reinterpret_cast<uint64_t>(&p));
}

unsigned paddr_bits() {
    static const unsigned bits = x86::cpuid(0x80000008).eax & 0xff;
    return bits;
}

} // namespace cxen::arch
