// The host's pCPUs as the control interface reports them (arch/host_cpu.hpp).
// Topology IDs are split out of each pCPU's APIC ID with the widths CPUID
// gives, as Xen's detect_extended_topology() (leaf 0xB) and AMD's
// amd_get_topology() (leaves 0x80000008 / 0x8000001E) do; all pCPUs of a
// host share these widths, so the boot CPU's CPUID serves every pCPU.
#include "arch/host_cpu.hpp"

#include "arch/percpu.hpp"
#include "arch/x86.hpp"

namespace cxen::arch {

namespace {
struct ApicIdSplit {
    unsigned smt_bits;  ///< low APIC ID bits that number threads of a core
    unsigned core_bits; ///< low APIC ID bits that number threads of a package (SMT included)
};

unsigned bits_for(unsigned n) { // ceil(log2(n)), 0 for n <= 1
    unsigned b = 0;
    while ((1u << b) < n)
        ++b;
    return b;
}

ApicIdSplit apic_id_split() {
    ApicIdSplit s{0, 0};
    const uint32_t max_basic = x86::cpuid(0).eax;
    if (max_basic >= 0xB && x86::cpuid(0xB, 0).ebx != 0) {
        // Leaf 0xB: one subleaf per level; ECX[15:8] 1 = SMT, 2 = core; EAX[4:0]
        // the shift to the next level's ID.
        for (uint32_t sub = 0; sub < 8; ++sub) {
            const x86::CpuidRegs r = x86::cpuid(0xB, sub);
            const unsigned type = (r.ecx >> 8) & 0xff;
            if (type == 0) break;
            if (type == 1) s.smt_bits = r.eax & 0x1f;
            s.core_bits = r.eax & 0x1f;
        }
        return s;
    }
    const uint32_t max_ext = x86::cpuid_max_ext();
    if (max_ext >= 0x80000008) {
        const uint32_t ecx = x86::cpuid(0x80000008).ecx;
        s.core_bits = (ecx >> 12) & 0xf;
        if (s.core_bits == 0) s.core_bits = bits_for((ecx & 0xff) + 1);
        if (max_ext >= 0x8000001E && (x86::cpuid(0x80000001).ecx & (1u << 22))) // TOPOEXT
            s.smt_bits = bits_for(((x86::cpuid(0x8000001E).ebx >> 8) & 0xff) + 1);
        return s;
    }
    const x86::CpuidRegs l1 = x86::cpuid(1);
    if (l1.edx & (1u << 28)) s.core_bits = bits_for((l1.ebx >> 16) & 0xff); // HTT
    return s;
}
} // namespace

unsigned host_cpus_present() {
    unsigned n = 0;
    while (n < max_cpus && per_cpu(n).online)
        ++n;
    return n;
}

HostCpu host_cpu(unsigned cpu) {
    static const ApicIdSplit split = apic_id_split();
    const PerCpu& p = per_cpu(cpu);
    HostCpu h{};
    h.apic_id = p.apic_id;
    h.acpi_id = p.acpi_id;
    h.core = (p.apic_id & ((1u << split.core_bits) - 1)) >> split.smt_bits;
    h.socket = split.core_bits >= 32 ? 0 : p.apic_id >> split.core_bits;
    h.online = p.online;
    return h;
}

void host_cpu_feature_words(uint32_t (&words)[8]) {
    const x86::CpuidRegs l1 = x86::cpuid(1);
    const uint32_t max_basic = x86::cpuid(0).eax, max_ext = x86::cpuid_max_ext();
    const x86::CpuidRegs e1 = max_ext >= 0x80000001 ? x86::cpuid(0x80000001) : x86::CpuidRegs{};
    words[0] = l1.edx;
    words[1] = l1.ecx;
    words[2] = e1.edx;
    words[3] = e1.ecx;
    words[4] = max_basic >= 0xD ? x86::cpuid(0xD, 1).eax : 0;
    const x86::CpuidRegs l7 = max_basic >= 7 ? x86::cpuid(7, 0) : x86::CpuidRegs{};
    words[5] = l7.ebx;
    words[6] = l7.ecx;
    words[7] = max_ext >= 0x80000007 ? x86::cpuid(0x80000007).edx : 0;
}

} // namespace cxen::arch
