// Multi-vCPU guests: AP start with INIT-SIPI-SIPI or VCPUOP_initialise/up,
// IPIs between vCPUs, HLT woken by an IPI, VCPUOP_down/up/is_up, bad
// VCPUOP arguments, and FPU state kept per vCPU. The number of vCPUs comes
// from `smp.vcpus=N`; `smp.start=sipi|vcpuop` picks how APs start.
// Sources: Intel SDM Vol. 3, 11.6 and 9.4 (MP initialisation); Xen
// public/vcpu.h and public/hvm/hvm_vcpu.h.
#include "apic.hpp"
#include "guest.hpp"
#include "smp.hpp"

#include <xen/hvm/hvm_vcpu.h>

using namespace cxen::guest;

namespace {
constinit volatile unsigned pings[max_guest_cpus]{};
constinit volatile unsigned pongs = 0;
constexpr uint8_t ping_vector = 0xe0, pong_vector = 0xe1;

void on_ping(uint8_t) {
    const unsigned me = this_cpu();
    pings[me] = pings[me] + 1;
    apic::eoi();
    apic::send_ipi(0, pong_vector); // answer the BSP
}
void on_pong(uint8_t) {
    __atomic_add_fetch(&pongs, 1, __ATOMIC_SEQ_CST);
    apic::eoi();
}

unsigned expected_vcpus() {
    const char* n = option("smp.vcpus");
    unsigned v = 0;
    for (const char* p = n ? n : ""; *p >= '0' && *p <= '9'; ++p) v = v * 10 + (*p - '0');
    return v ? v : 1;
}
bool use_vcpuop() {
    const char* s = option("smp.start");
    return s && streq(s, "vcpuop");
}
unsigned online_aps() {
    unsigned n = 0;
    for (unsigned c = 1; c < nr_vcpus() && c < max_guest_cpus; ++c) n += cpu_is_online(c);
    return n;
}
} // namespace

TEST_CASE("smp.vcpu_count_matches_config") {
    SKIP_UNLESS_XEN();
    CHECK_EQ(nr_vcpus(), expected_vcpus());
    CHECK_EQ(this_cpu(), 0u);
}

TEST_CASE("smp.vcpuop_bad_arguments") {
    SKIP_UNLESS_XEN();
    vcpu_hvm_context ctx{};
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, nr_vcpus(), &ctx), ENOENT);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_up, 1000, nullptr), ENOENT);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_is_up, static_cast<unsigned>(-1), nullptr), ENOENT);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 0, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 0, &ctx), EEXIST); // the BSP is initialised
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, nullptr), 1);
    if (nr_vcpus() < 2) return;
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, nullptr), 0); // APs start down
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_up, 1, nullptr), EINVAL); // not initialised
    ctx.mode = 7;
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    ctx.mode = VCPU_HVM_MODE_64B; // long mode without paging
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    // A good long-mode state with one bad control register each: CR4 and
    // EFER bits the vCPU is not offered (Xen's arch_set_info_hvm_guest
    // checks), CR0 and CR3 values VMRUN would refuse. -EINVAL, and the vCPU
    // is still not initialised.
    auto& r = ctx.cpu_regs.x86_64;
    const auto good = [&] {
        r.rip = 0x100000;
        r.rflags = 2;
        r.cr0 = x86::read_cr0();
        r.cr3 = x86::read_cr3();
        r.cr4 = x86::read_cr4();
        r.efer = x86::rdmsr(x86::msr_efer);
    };
    good();
    r.cr4 |= 1u << 13; // VMXE
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    good();
    r.efer |= 1u << 12; // SVME: no nested virtualisation
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    good();
    r.efer |= 1u << 13; // LMSLE: not a known bit
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    good();
    r.cr0 |= uint64_t{1} << 32;
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    good();
    r.cr0 = (r.cr0 & ~(uint64_t{1} << 30)) | (uint64_t{1} << 29); // NW without CD
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    good();
    r.cr3 |= uint64_t{1} << 62;
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    ctx.mode = VCPU_HVM_MODE_32B; // the same checks in 32-bit mode
    auto& r32 = ctx.cpu_regs.x86_32;
    r32 = {};
    r32.cr0 = 0x11;
    r32.cs_limit = r32.ds_limit = r32.ss_limit = r32.es_limit = 0xffffffff;
    r32.cs_ar = 0xc9b;
    r32.ds_ar = r32.ss_ar = r32.es_ar = 0xc93;
    r32.tr_ar = 0x8b;
    r32.tr_limit = 0x67;
    r32.cr4 = 1u << 14; // SMXE
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    r32.cr4 = 0;
    r32.efer = 1u << 10; // LMA without LME
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    r32.efer = 0;
    // Xen's check_segment(): no null SS or TR, attribute bits 12-15 clear.
    r32.ss_ar = 0;
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    r32.ss_ar = 0xc93;
    r32.tr_ar = 0;
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    r32.tr_ar = 0x8b;
    r32.cs_ar = 0x1c9b;
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    // Long mode with PAE and paging but a CS with both L and D: VMRUN
    // would refuse it.
    r32.cs_ar = 0xe9b;
    r32.cr0 = x86::read_cr0();
    r32.cr3 = static_cast<uint32_t>(x86::read_cr3());
    r32.cr4 = x86::read_cr4();
    r32.efer = x86::efer_lme;
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EINVAL);
    CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_up, 1, nullptr), EINVAL); // still not initialised
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, nullptr), 0);
}

TEST_CASE("smp.aps_come_online") {
    SKIP_UNLESS_XEN();
    irq_init();
    set_irq_handler(ping_vector, on_ping);
    set_irq_handler(pong_vector, on_pong);
    for (unsigned cpu = 1; cpu < nr_vcpus() && cpu < max_guest_cpus; ++cpu) {
        if (use_vcpuop()) {
            const ApMode mode = (cpu & 1) ? ApMode::hvm64 : ApMode::hvm32;
            CHECK_OK(start_ap_vcpuop(cpu, mode));
        } else {
            CHECK(start_ap_init_sipi(cpu));
        }
        CHECK(cpu_is_online(cpu));
        CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, cpu, nullptr), 1);
    }
    CHECK_EQ(online_aps(), nr_vcpus() - 1);
    if (use_vcpuop() && nr_vcpus() > 1) {
        vcpu_hvm_context ctx{};
        CHECK_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), EEXIST);
    }
}

TEST_CASE("smp.ipi_to_each_ap_and_back_wakes_hlt") {
    SKIP_UNLESS_XEN();
    if (online_aps() == 0) SKIP("no AP online");
    pongs = 0;
    for (unsigned cpu = 1; cpu < nr_vcpus(); ++cpu) {
        const unsigned before = pings[cpu];
        apic::send_ipi(cpu * 2, ping_vector);
        // The BSP halts; the AP's answer (an IPI) must wake it.
        CHECK(halt_until([cpu] { return pongs >= cpu; }, 10000));
        CHECK_EQ(pings[cpu], before + 1);
    }
    CHECK_EQ(pongs, nr_vcpus() - 1);
}

TEST_CASE("smp.ipi_all_but_self_reaches_every_ap") {
    SKIP_UNLESS_XEN();
    if (online_aps() == 0) SKIP("no AP online");
    // Each AP answers, but answers arriving together coalesce in the BSP's
    // IRR (one bit per vector): count the pings the APs took instead.
    static constinit unsigned before[max_guest_cpus]{};
    for (unsigned c = 1; c < nr_vcpus(); ++c) before[c] = pings[c];
    pongs = 0;
    apic::send_ipi(0, ping_vector, apic::icr_all_but_self);
    const auto all_pinged = [] {
        for (unsigned c = 1; c < nr_vcpus(); ++c)
            if (pings[c] == before[c]) return false;
        return true;
    };
    CHECK(halt_until([&] { return all_pinged() && pongs >= 1; }, 10000));
    for (unsigned c = 1; c < nr_vcpus(); ++c) CHECK_EQ(pings[c], before[c] + 1);
    CHECK_GE(pongs, 1u);
}

TEST_CASE("smp.run_function_on_ap") {
    SKIP_UNLESS_XEN();
    if (online_aps() == 0) SKIP("no AP online");
    static constinit volatile unsigned ran_on = 0;
    ran_on = 0;
    CHECK(run_on(nr_vcpus() - 1, [](unsigned cpu) { ran_on = cpu; }));
    CHECK_EQ(ran_on, nr_vcpus() - 1);
}

TEST_CASE("smp.fpu_state_is_kept_per_vcpu") {
    SKIP_UNLESS_XEN();
    if (online_aps() == 0) SKIP("no AP online");
    static constinit volatile uint64_t ap_saw = 0;
    asm volatile("mov %%cr4, %%rax; or $0x600, %%rax; mov %%rax, %%cr4" ::: "rax", "memory"); // OSFXSR
    const uint64_t mine = 0x1111222233334444ull;
    asm volatile("movq %0, %%xmm3" ::"r"(mine));
    // The AP loads its own value, lets time pass (with -smp 1 both vCPUs
    // share a pCPU and are switched), and reads it back.
    CHECK(run_on(1, [](unsigned) {
        asm volatile("mov %%cr4, %%rax; or $0x600, %%rax; mov %%rax, %%cr4" ::: "rax", "memory");
        const uint64_t theirs = 0xaaaabbbbccccddddull;
        asm volatile("movq %0, %%xmm3" ::"r"(theirs));
        spin_until([] { return false; }, 30);
        uint64_t back;
        asm volatile("movq %%xmm3, %0" : "=r"(back));
        ap_saw = back;
    }));
    spin_until([] { return false; }, 30);
    uint64_t back;
    asm volatile("movq %%xmm3, %0" : "=r"(back));
    CHECK_EQ(back, mine);
    CHECK_EQ(ap_saw, 0xaaaabbbbccccddddull);
}

TEST_CASE("smp.vcpuop_down_and_up") {
    SKIP_UNLESS_XEN();
    if (online_aps() == 0) SKIP("no AP online");
    const unsigned cpu = nr_vcpus() - 1;
    CHECK_OK(HYPERVISOR_vcpu_op(VCPUOP_down, cpu, nullptr));
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, cpu, nullptr), 0);
    CHECK_OK(HYPERVISOR_vcpu_op(VCPUOP_up, cpu, nullptr));
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, cpu, nullptr), 1);
    static constinit volatile unsigned alive = 0;
    alive = 0;
    CHECK(run_on(cpu, [](unsigned) { alive = 1; })); // resumed where it stopped
    CHECK_EQ(alive, 1u);
}

// Last, and only on request: it ends the run without a verdict line.
TEST_CASE("smp.poweroff_by_halting_every_vcpu") {
    SKIP_UNLESS_XEN();
    if (!option("smp.halt_poweroff")) SKIP("needs smp.halt_poweroff (ends the run)");
    for (unsigned c = 1; c < nr_vcpus(); ++c)
        if (cpu_is_online(c)) CHECK(run_on(c, [](unsigned) { x86::halt_forever(); }, false));
    spin_until([] { return false; }, 50);
    printf("  halting every vCPU with interrupts off\n");
    // Xen's hvm_hlt: each vCPU goes down; the last one powers the domain off.
    x86::halt_forever();
}
