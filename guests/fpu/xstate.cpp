// The guest's extended state (XSAVE components) across the hypervisor's
// FPU switches: a guest that changes XCR0 cannot make the switch fault in
// the hypervisor, and a component a vCPU enables starts in its init state,
// never holding what another domain's vCPU left on the pCPU.
//
// fpu.avx_leak_writer and fpu.avx_state_starts_clean run in two domains on
// one pCPU (tests/system/cases/fpu.py): the writer fills the upper halves of
// the YMM registers and yields, the reader then enables AVX and reads them.
#include "guest.hpp"
#include "x86.hpp"

using namespace cxen::guest;
using cxen::guest::x86::cpuid;
using cxen::guest::x86::read_cr4;

namespace {
constexpr uint64_t cr4_osfxsr = 1u << 9, cr4_osxmmexcpt = 1u << 10, cr4_osxsave = 1u << 18;
constexpr uint64_t xcr0_x87 = 1, xcr0_sse = 2, xcr0_avx = 4;

bool has_avx() {
    const auto l1 = cpuid(1);
    return (l1.ecx & (1u << 26)) && (l1.ecx & (1u << 28)); // XSAVE, AVX
}

void write_cr4(uint64_t v) { asm volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }

void xsetbv0(uint64_t v) {
    asm volatile("xsetbv" ::"c"(0), "a"(static_cast<uint32_t>(v)), "d"(static_cast<uint32_t>(v >> 32)) : "memory");
}
uint64_t xgetbv0() {
    uint32_t lo, hi;
    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t{hi} << 32) | lo;
}

/// CR4.OSFXSR|OSXMMEXCPT|OSXSAVE on, then XCR0 = `xcr0`.
void enable_xsave(uint64_t xcr0) {
    write_cr4(read_cr4() | cr4_osfxsr | cr4_osxmmexcpt | cr4_osxsave);
    xsetbv0(xcr0);
}

void yield_n(unsigned n) {
    for (unsigned i = 0; i < n; ++i) (void)HYPERVISOR_sched_op(SCHEDOP_yield, nullptr);
}

struct alignas(32) Ymm {
    uint64_t q[4];
};

// The 16 YMM registers to and from memory (the compiler itself never uses
// vector registers here: -mgeneral-regs-only).
void store_ymm(Ymm (&out)[16]) {
    asm volatile("vmovdqu %%ymm0, 0x000(%0)\n\tvmovdqu %%ymm1, 0x020(%0)\n\t"
                 "vmovdqu %%ymm2, 0x040(%0)\n\tvmovdqu %%ymm3, 0x060(%0)\n\t"
                 "vmovdqu %%ymm4, 0x080(%0)\n\tvmovdqu %%ymm5, 0x0a0(%0)\n\t"
                 "vmovdqu %%ymm6, 0x0c0(%0)\n\tvmovdqu %%ymm7, 0x0e0(%0)\n\t"
                 "vmovdqu %%ymm8, 0x100(%0)\n\tvmovdqu %%ymm9, 0x120(%0)\n\t"
                 "vmovdqu %%ymm10, 0x140(%0)\n\tvmovdqu %%ymm11, 0x160(%0)\n\t"
                 "vmovdqu %%ymm12, 0x180(%0)\n\tvmovdqu %%ymm13, 0x1a0(%0)\n\t"
                 "vmovdqu %%ymm14, 0x1c0(%0)\n\tvmovdqu %%ymm15, 0x1e0(%0)" ::"r"(out)
                 : "memory");
}
void load_ymm(const Ymm (&in)[16]) {
    asm volatile("vmovdqu 0x000(%0), %%ymm0\n\tvmovdqu 0x020(%0), %%ymm1\n\t"
                 "vmovdqu 0x040(%0), %%ymm2\n\tvmovdqu 0x060(%0), %%ymm3\n\t"
                 "vmovdqu 0x080(%0), %%ymm4\n\tvmovdqu 0x0a0(%0), %%ymm5\n\t"
                 "vmovdqu 0x0c0(%0), %%ymm6\n\tvmovdqu 0x0e0(%0), %%ymm7\n\t"
                 "vmovdqu 0x100(%0), %%ymm8\n\tvmovdqu 0x120(%0), %%ymm9\n\t"
                 "vmovdqu 0x140(%0), %%ymm10\n\tvmovdqu 0x160(%0), %%ymm11\n\t"
                 "vmovdqu 0x180(%0), %%ymm12\n\tvmovdqu 0x1a0(%0), %%ymm13\n\t"
                 "vmovdqu 0x1c0(%0), %%ymm14\n\tvmovdqu 0x1e0(%0), %%ymm15" ::"r"(in)
                 : "memory");
}

void fill(Ymm (&r)[16], uint64_t seed) {
    for (unsigned i = 0; i < 16; ++i)
        for (unsigned j = 0; j < 4; ++j) r[i].q[j] = seed ^ (uint64_t{i} << 8) ^ j;
}
} // namespace

// The sequence of Xen's XTF fpu-exception-emulation that made XRSTOR fault
// in the hypervisor: AVX state saved with XSTATE_BV[AVX] set, then XCR0
// lowered, then another save and restore.
TEST_CASE("fpu.xcr0_lowered_after_avx_state") {
    SKIP_UNLESS_XEN();
    if (!has_avx()) SKIP("no XSAVE/AVX on this CPU");
    enable_xsave(xcr0_x87 | xcr0_sse | xcr0_avx);
    CHECK_EQ(xgetbv0(), xcr0_x87 | xcr0_sse | xcr0_avx);
    Ymm want[16], got[16];
    fill(want, 0x5a5a'0000'1111'0000ull);
    load_ymm(want);
    yield_n(3); // saved with XSTATE_BV naming AVX
    xsetbv0(xcr0_x87 | xcr0_sse);
    yield_n(3); // saved and restored with AVX off in XCR0
    CHECK_EQ(xgetbv0(), xcr0_x87 | xcr0_sse);
    xsetbv0(xcr0_x87);
    yield_n(3);
    CHECK_EQ(xgetbv0(), xcr0_x87);
    // Back to AVX: the registers work again, and keep what is put in them.
    xsetbv0(xcr0_x87 | xcr0_sse | xcr0_avx);
    fill(want, 0x0123'4567'89ab'cdefull);
    load_ymm(want);
    yield_n(3);
    store_ymm(got);
    bool same = true;
    for (unsigned i = 0; i < 16; ++i)
        for (unsigned j = 0; j < 4; ++j) same = same && got[i].q[j] == want[i].q[j];
    CHECK(same);
}

// Fills every YMM register and yields for a while so that the reader's
// vCPU, on the same pCPU, is switched in right after it. Its own state must
// come back intact.
TEST_CASE("fpu.avx_leak_writer") {
    SKIP_UNLESS_XEN();
    if (!has_avx()) SKIP("no XSAVE/AVX on this CPU");
    enable_xsave(xcr0_x87 | xcr0_sse | xcr0_avx);
    Ymm want[16], got[16];
    fill(want, 0xdead'beef'cafe'f00dull);
    load_ymm(want);
    yield_n(400);
    store_ymm(got);
    bool same = true;
    for (unsigned i = 0; i < 16; ++i)
        for (unsigned j = 0; j < 4; ++j) same = same && got[i].q[j] == want[i].q[j];
    CHECK(same);
}

// Enables AVX after the writer has run on this pCPU: the upper halves must
// be in their init state (zero), not the writer's values.
TEST_CASE("fpu.avx_state_starts_clean") {
    SKIP_UNLESS_XEN();
    if (!has_avx()) SKIP("no XSAVE/AVX on this CPU");
    yield_n(50); // let the writer fill its registers first
    enable_xsave(xcr0_x87 | xcr0_sse);
    yield_n(2);
    xsetbv0(xcr0_x87 | xcr0_sse | xcr0_avx);
    Ymm got[16];
    store_ymm(got);
    unsigned dirty = 0;
    for (unsigned i = 0; i < 16; ++i)
        if (got[i].q[2] || got[i].q[3]) ++dirty;
    CHECK_EQ(dirty, 0u);
}
