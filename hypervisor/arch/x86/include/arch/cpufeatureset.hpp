// CPUID feature bits that the CPUID and CR4/EFER policy (hvm/cpuid.cpp,
// hvm/cr.cpp, hvm/fpu.cpp) look at, named as in Xen's
// public/arch-x86/cpufeatureset.h: CPUID_<word>_<feature>, where the word
// is Xen's featureset word (1D: leaf 1 EDX, 1C: leaf 1 ECX, 7B0/7C0/7D0:
// leaf 7 subleaf 0 EBX/ECX/EDX, E1C/E1D: leaf 0x80000001 ECX/EDX).
// Sources: Intel SDM Vol. 2A (CPUID), AMD APM Vol. 3 appendix E.
#pragma once

#include <cstdint>

namespace cxen::x86 {

// ---- leaf 1 EDX ----
constexpr uint32_t CPUID_1D_VME = 1u << 1, CPUID_1D_DE = 1u << 2, CPUID_1D_PSE = 1u << 3,
                   CPUID_1D_TSC = 1u << 4, CPUID_1D_PAE = 1u << 6, CPUID_1D_MCE = 1u << 7,
                   CPUID_1D_PGE = 1u << 13, CPUID_1D_MCA = 1u << 14, CPUID_1D_FXSR = 1u << 24,
                   CPUID_1D_SSE = 1u << 25;

// ---- leaf 1 ECX ----
constexpr uint32_t CPUID_1C_MONITOR = 1u << 3, CPUID_1C_VMX = 1u << 5, CPUID_1C_SMX = 1u << 6,
                   CPUID_1C_EIST = 1u << 7, CPUID_1C_TM2 = 1u << 8, CPUID_1C_FMA = 1u << 12,
                   CPUID_1C_PCID = 1u << 17, CPUID_1C_X2APIC = 1u << 21, CPUID_1C_TSC_DEADLINE = 1u << 24,
                   CPUID_1C_XSAVE = 1u << 26, CPUID_1C_OSXSAVE = 1u << 27, CPUID_1C_AVX = 1u << 28,
                   CPUID_1C_F16C = 1u << 29, CPUID_1C_HYPERVISOR = 1u << 31;

// ---- leaf 7 subleaf 0 EBX ----
constexpr uint32_t CPUID_7B0_FSGSBASE = 1u << 0, CPUID_7B0_AVX2 = 1u << 5, CPUID_7B0_SMEP = 1u << 7,
                   CPUID_7B0_MPX = 1u << 14, CPUID_7B0_AVX512F = 1u << 16, CPUID_7B0_AVX512DQ = 1u << 17,
                   CPUID_7B0_SMAP = 1u << 20, CPUID_7B0_AVX512_IFMA = 1u << 21, CPUID_7B0_AVX512PF = 1u << 26,
                   CPUID_7B0_AVX512ER = 1u << 27, CPUID_7B0_AVX512CD = 1u << 28, CPUID_7B0_AVX512BW = 1u << 30,
                   CPUID_7B0_AVX512VL = 1u << 31;

// ---- leaf 7 subleaf 0 ECX ----
constexpr uint32_t CPUID_7C0_AVX512_VBMI = 1u << 1, CPUID_7C0_UMIP = 1u << 2, CPUID_7C0_PKU = 1u << 3,
                   CPUID_7C0_OSPKE = 1u << 4, CPUID_7C0_AVX512_VBMI2 = 1u << 6, CPUID_7C0_CET_SS = 1u << 7,
                   CPUID_7C0_AVX512_VNNI = 1u << 11, CPUID_7C0_AVX512_BITALG = 1u << 12,
                   CPUID_7C0_AVX512_VPOPCNTDQ = 1u << 14, CPUID_7C0_LA57 = 1u << 16;

// ---- leaf 7 subleaf 0 EDX ----
constexpr uint32_t CPUID_7D0_CET_IBT = 1u << 20;

// ---- leaf 0x80000001 ECX / EDX ----
constexpr uint32_t CPUID_E1C_SVM = 1u << 2, CPUID_E1C_DBEXT = 1u << 26;
constexpr uint32_t CPUID_E1D_SYSCALL = 1u << 11, CPUID_E1D_NX = 1u << 20, CPUID_E1D_FFXSR = 1u << 25,
                   CPUID_E1D_LM = 1u << 29;

} // namespace cxen::x86
