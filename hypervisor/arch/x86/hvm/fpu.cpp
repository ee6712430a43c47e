// The guest FPU/SSE/AVX state: probing what guests may use, switching it
// with XSAVE (with the guest's XCR0) or FXSAVE, and the XSETBV exit.
// The hypervisor itself never touches these registers
// (-mgeneral-regs-only), so a vCPU's state stays in the hardware across
// exits and is saved and restored only around vcpu_run().
#include "arch/x86/hvm/hvm.hpp"

#include "arch/x86.hpp"
#include "lib/base/string.hpp"

namespace cxen::arch::hvm {

namespace {
FpuCaps fpu_caps;
bool fpu_probed = false;

void xsetbv0(uint64_t v) {
    __asm__ volatile("xsetbv" ::"c"(0), "a"(static_cast<uint32_t>(v)), "d"(static_cast<uint32_t>(v >> 32))
                     : "memory");
}
uint64_t xgetbv0() {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t{hi} << 32) | lo;
}
} // namespace
const FpuCaps& fpu() {
    if (!fpu_probed) {
        const auto l1 = x86::cpuid(1);
        // XSAVE only if every component the host has fits in the one-page
        // area (a guest XSETBV that is not intercepted, as under QEMU 7.2,
        // can enable all of them).
        if ((l1.ecx & CPUID_1C_XSAVE) && x86::cpuid(0xd, 0).ecx <= page_size) {
            fpu_caps.xsave = true;
            const uint64_t host = x86::cpuid(0xd, 0).eax;
            fpu_caps.xcr0_mask = host & (XCR0_X87 | XCR0_SSE | ((l1.ecx & CPUID_1C_AVX) ? XCR0_AVX : 0));
            fpu_caps.xsave_mask = host | XCR0_X87 | XCR0_SSE;
            fpu_caps.xsaveopt = x86::cpuid(0xd, 1).eax & 1;
        }
        fpu_probed = true;
    }
    return fpu_caps;
}

/// Standard-format XSAVE area size for the components in `mask` (legacy
/// region + header = 576 bytes, AVX's YMM_Hi128 = 256 at offset 576).
uint32_t xsave_size(uint64_t mask) { return 576 + ((mask & XCR0_AVX) ? 256 : 0); }


/// QEMU 7.2 does not intercept XSETBV: the guest may have changed XCR0
/// behind xsetbv(). Call on v's pCPU while its state is loaded.
void sync_guest_xcr0(Vcpu& v) {
    if (fpu().xsave) v.arch.xcr0 = xgetbv0();
}

/// Power-on FPU state (SDM Vol. 1, 13.6 / table 9-1): FCW 0x37F, MXCSR
/// 0x1F80, everything else zero; an all-zero XSTATE_BV means "init state".
void fpu_reset(Vcpu& v) {
    auto* area = static_cast<uint8_t*>(v.arch.fpu_area);
    memset(area, 0, page_size);
    const uint16_t fcw = 0x37f;
    const uint32_t mxcsr = 0x1f80;
    memcpy(area + 0, &fcw, sizeof(fcw));
    memcpy(area + 24, &mxcsr, sizeof(mxcsr));
    v.arch.xcr0 = XCR0_X87;
}

// Why every switch uses all components (fpu().xsave_mask), whatever the
// guest's XCR0 (as Xen switches with xcr0_accum, the union of every XCR0 the
// vCPU ever had):
//  - XRSTOR raises #GP when the area's XSTATE_BV names a component outside
//    XCR0. XSAVE leaves the XSTATE_BV bits outside its RFBM untouched, so a
//    guest that saved AVX state and then lowered XCR0 would make a restore
//    with its own XCR0 fault in the hypervisor.
//  - A restore with the full mask puts every component the area does not
//    name into its init state, so a vCPU that enables a component later
//    never reads what the previous vCPU on this pCPU left in it.
// The area is one page and only ever written by XSAVE and fpu_reset(), so
// its header stays valid (XCOMP_BV zero: standard format).
void fpu_load(Vcpu& v) {
    const FpuCaps& f = fpu();
    const uint64_t want = CR4_OSFXSR | CR4_OSXMMEXCPT | (f.xsave ? CR4_OSXSAVE : 0);
    if (const uint64_t cr4 = x86::read_cr4(); (cr4 & want) != want) x86::write_cr4(cr4 | want);
    if (f.xsave) {
        const uint64_t mask = f.xsave_mask;
        xsetbv0(mask);
        __asm__ volatile("xrstor64 (%0)" ::"r"(v.arch.fpu_area), "a"(static_cast<uint32_t>(mask)),
                         "d"(static_cast<uint32_t>(mask >> 32))
                         : "memory");
        xsetbv0(v.arch.xcr0);
    } else {
        __asm__ volatile("fxrstor64 (%0)" ::"r"(v.arch.fpu_area) : "memory");
    }
}

void fpu_save(Vcpu& v) {
    if (fpu().xsave) {
        sync_guest_xcr0(v);
        const uint64_t mask = fpu().xsave_mask;
        xsetbv0(mask);
        __asm__ volatile("xsave64 (%0)" ::"r"(v.arch.fpu_area), "a"(static_cast<uint32_t>(mask)),
                         "d"(static_cast<uint32_t>(mask >> 32))
                         : "memory");
    } else
        __asm__ volatile("fxsave64 (%0)" ::"r"(v.arch.fpu_area) : "memory");
}

/// XSETBV (0F 01 D1): the guest's XCR0, checked as the SDM's XSETBV
/// (Vol. 2B) does, and loaded now since this pCPU holds v's FPU state.
Exit xsetbv(Vcpu& v, unsigned len) {
    const FpuCaps& f = fpu();
    if (!f.xsave || !(guest_cr4(v) & CR4_OSXSAVE)) {
        inject_ud(v);
        return Exit::resume;
    }
    const uint64_t value = (guest_gpr(v, Gpr::rdx) << 32) | static_cast<uint32_t>(guest_gpr(v, Gpr::rax));
    if (hvm_funcs.get_cpl(v) != 0 || static_cast<uint32_t>(guest_gpr(v, Gpr::rcx)) != 0 || !(value & XCR0_X87) ||
        (value & ~f.xcr0_mask) || ((value & XCR0_AVX) && !(value & XCR0_SSE))) {
        inject_gp(v);
        return Exit::resume;
    }
    v.arch.xcr0 = value;
    xsetbv0(value);
    advance(v, len);
    return Exit::resume;
}

} // namespace cxen::arch::hvm
