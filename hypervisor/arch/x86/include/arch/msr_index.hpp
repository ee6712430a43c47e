// Model-specific register numbers and the bits cxen uses, with the names of
// Xen's asm/msr-index.h (sources: Intel SDM Vol. 4, AMD APM Vol. 2 appendix A).
// One list, so that MSR policy (hvm/msr.cpp) and host code name MSRs, not
// numbers.
#pragma once

#include <cstdint>

namespace cxen::x86 {

// ---- architectural ----
constexpr uint32_t MSR_IA32_TSC = 0x00000010;
constexpr uint32_t MSR_IA32_PLATFORM_ID = 0x00000017;
constexpr uint32_t MSR_APIC_BASE = 0x0000001b; // IA32_APIC_BASE
constexpr uint32_t MSR_IA32_EBC_FREQUENCY_ID = 0x0000002c;
constexpr uint32_t MSR_PRED_CMD = 0x00000049;
constexpr uint32_t MSR_AMD_PATCHLEVEL = 0x0000008b;
constexpr uint32_t MSR_INTEL_PLATFORM_INFO = 0x000000ce;
constexpr uint32_t MSR_INTEL_MISC_FEATURES_ENABLES = 0x00000140;
constexpr uint32_t MSR_IA32_SYSENTER_CS = 0x00000174;
constexpr uint32_t MSR_IA32_SYSENTER_ESP = 0x00000175;
constexpr uint32_t MSR_IA32_SYSENTER_EIP = 0x00000176;
constexpr uint32_t MSR_IA32_DEBUGCTLMSR = 0x000001d9;
constexpr uint32_t MSR_IA32_CR_PAT = 0x00000277;
constexpr uint32_t MSR_TSC_DEADLINE = 0x000006e0;
constexpr uint32_t MSR_X2APIC_BASE = 0x00000800; // x2APIC register r at 0x800 + (r >> 4)

// ---- AMD64 / long mode ----
constexpr uint32_t MSR_EFER = 0xc0000080;
constexpr uint32_t MSR_STAR = 0xc0000081;
constexpr uint32_t MSR_LSTAR = 0xc0000082;
constexpr uint32_t MSR_CSTAR = 0xc0000083;
constexpr uint32_t MSR_SYSCALL_MASK = 0xc0000084;
constexpr uint32_t MSR_FS_BASE = 0xc0000100;
constexpr uint32_t MSR_GS_BASE = 0xc0000101;
constexpr uint32_t MSR_SHADOW_GS_BASE = 0xc0000102;
constexpr uint32_t MSR_TSC_AUX = 0xc0000103;

// ---- AMD family 0Fh and later ----
constexpr uint32_t MSR_K8_SYSCFG = 0xc0010010;
constexpr uint32_t MSR_K8_HWCR = 0xc0010015;
constexpr uint32_t MSR_K8_TOP_MEM1 = 0xc001001a;
constexpr uint32_t MSR_K8_TOP_MEM2 = 0xc001001d;
constexpr uint32_t MSR_AMD64_NB_CFG = 0xc001001f;
constexpr uint32_t MSR_K8_VM_CR = 0xc0010114;
constexpr uint32_t MSR_K8_VM_HSAVE_PA = 0xc0010117;
constexpr uint32_t MSR_AMD64_DE_CFG = 0xc0011029;
constexpr uint32_t MSR_AMD64_EX_CFG = 0xc001102c;

// ---- bits ----
constexpr uint64_t EFER_SCE = 1ull << 0;
constexpr uint64_t EFER_LME = 1ull << 8;
constexpr uint64_t EFER_LMA = 1ull << 10;
constexpr uint64_t EFER_NXE = 1ull << 11;
constexpr uint64_t EFER_SVME = 1ull << 12;
constexpr uint64_t EFER_FFXSE = 1ull << 14;

constexpr uint64_t APIC_BASE_BSP = 1ull << 8;
constexpr uint64_t APIC_BASE_EXTD = 1ull << 10;
constexpr uint64_t APIC_BASE_EN = 1ull << 11;

/// PAT at power-on and INIT: WB, WT, UC-, UC, twice (SDM Vol. 3A 11.12.4).
constexpr uint64_t MSR_IA32_CR_PAT_RESET = 0x0007040600070406ull;
constexpr uint64_t PRED_CMD_IBPB = 1ull << 0;
constexpr uint64_t PLATFORM_INFO_CPUID_FAULTING = 1ull << 31;
constexpr uint64_t MISC_FEATURES_CPUID_FAULTING = 1ull << 0;
constexpr uint64_t AMD64_DE_CFG_LFENCE_SERIALISE = 1ull << 1;
constexpr uint64_t K8_VMCR_SVME_DISABLE = 1ull << 4; // VM_CR.SVMDIS
/// SYSCFG.MtrrFixDramEn (APM Vol. 2, 7.7.6).
constexpr uint64_t SYSCFG_MTRR_FIX_DRAM_EN = 1ull << 18;
/// DEBUGCTL bits an AMD CPU defines: LBR, BTF, PB0-3 (APM Vol. 2, 13.1.1.6).
constexpr uint64_t DEBUGCTL_AMD_VALID = 0x3f;

} // namespace cxen::x86
