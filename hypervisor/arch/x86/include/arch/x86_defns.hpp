// Architectural register bits (control registers, RFLAGS, XCR0), with the
// names of Xen's asm/x86-defns.h less its X86_ prefix. Sources: Intel SDM
// Vol. 3A 2.5 / AMD APM Vol. 2 3.1 (CRs), SDM Vol. 1 13.3 (XCR0).
#pragma once

#include <cstdint>

namespace cxen::x86 {

constexpr uint64_t CR0_PE = 1ull << 0, CR0_MP = 1ull << 1, CR0_EM = 1ull << 2, CR0_TS = 1ull << 3,
                   CR0_ET = 1ull << 4, CR0_NE = 1ull << 5, CR0_WP = 1ull << 16, CR0_AM = 1ull << 18,
                   CR0_NW = 1ull << 29, CR0_CD = 1ull << 30, CR0_PG = 1ull << 31;

constexpr uint64_t CR4_VME = 1ull << 0, CR4_PVI = 1ull << 1, CR4_TSD = 1ull << 2, CR4_DE = 1ull << 3,
                   CR4_PSE = 1ull << 4, CR4_PAE = 1ull << 5, CR4_MCE = 1ull << 6, CR4_PGE = 1ull << 7,
                   CR4_PCE = 1ull << 8, CR4_OSFXSR = 1ull << 9, CR4_OSXMMEXCPT = 1ull << 10,
                   CR4_UMIP = 1ull << 11, CR4_LA57 = 1ull << 12, CR4_FSGSBASE = 1ull << 16,
                   CR4_PCIDE = 1ull << 17, CR4_OSXSAVE = 1ull << 18, CR4_SMEP = 1ull << 20,
                   CR4_SMAP = 1ull << 21, CR4_PKE = 1ull << 22, CR4_CET = 1ull << 23;

constexpr uint64_t RFLAGS_CF = 1ull << 0, RFLAGS_IF = 1ull << 9;

constexpr uint64_t XCR0_X87 = 1ull << 0, XCR0_SSE = 1ull << 1, XCR0_AVX = 1ull << 2;

/// Segment attribute bits in the compressed 12-bit form (Xen's
/// segment_register.attr, the VMCB's attrib): L and D/B of a code segment.
constexpr uint16_t SEG_ATTR_L = 1u << 9, SEG_ATTR_DB = 1u << 10;

} // namespace cxen::x86
