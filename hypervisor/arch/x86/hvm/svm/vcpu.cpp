// Running a vCPU with SVM: VMCB set-up for PVH entry, the VMRUN loop and
// the #VMEXIT dispatch table. QEMU's SVM has no NRIP save and no decode
// assists, so instruction lengths come from the exit code (each intercepted
// instruction has one encoding; a guest that pads it with prefixes only
// confuses itself) or from EXITINFO2 for I/O.
#include "arch/vcpu.hpp"

#include "abi/xen/xen.hpp"
#include "arch/cpu.hpp"
#include "arch/guest_access.hpp"
#include "arch/layout.hpp"
#include "arch/percpu.hpp"
#include "arch/time.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "common/domain.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/lib/format.hpp"
#include "common/lib/string.hpp"
#include "common/mm/xenheap.hpp"
#include "common/sched/sched.hpp"
#include "common/softirq.hpp"

namespace cxen::arch {

using svm::Vmcb;

namespace {
constexpr uint64_t CR0_PE = 1, CR0_ET = 1ull << 4;
constexpr uint64_t EFER_SVME = 1ull << 12, EFER_LMA = 1ull << 10;
constexpr uint64_t RFLAGS_IF = 1ull << 9;
constexpr uint32_t hypercall_msr = 0x40000000; // CPUID 0x40000002 EBX
constexpr uint16_t debugcon_port = 0xe9;        // XEN_HVM_DEBUGCONS_IOPORT

enum class Exit { resume, reschedule };

svm::Segment flat(uint16_t sel, uint16_t attrib) { return {sel, attrib, 0xffffffff, 0}; }

void advance(Vmcb& vm, unsigned len) {
    vm.rip += len;
    vm.interrupt_shadow &= ~1ull;
}

void inject_exception(Vmcb& vm, uint8_t vector) { vm.eventinj = svm::make_event(vector, svm::event_exception); }
void inject_gp(Vmcb& vm) { vm.eventinj = svm::make_event(13, svm::event_exception, 0); }

bool guest_64bit(const Vmcb& vm) { return (vm.efer() & EFER_LMA) && (vm.cs().attrib & (1u << 9)); }

void write_hypercall_page(Vcpu& v, uint64_t gpa) {
    uint8_t page[page_size];
    memset(page, 0xcc, sizeof(page)); // int3 between stubs
    for (unsigned nr = 0; nr < page_size / 32; ++nr) {
        uint8_t* stub = page + nr * 32;
        stub[0] = 0xb8; // mov $nr, %eax
        memcpy(stub + 1, &nr, 4);
        stub[5] = 0x0f; // vmmcall
        stub[6] = 0x01;
        stub[7] = 0xd9;
        stub[8] = 0xc3; // ret
    }
    if (!copy_to_gpa(*v.domain, gpa, page, sizeof(page)))
        log(LogLevel::warning, "d%u: hypercall page at bad gpa %#lx\n", v.domain->domid, gpa);
}

// ---- exit handlers ----

Exit on_cpuid(Vcpu& v, Vmcb& vm) {
    const uint32_t leaf = static_cast<uint32_t>(vm.rax), sub = static_cast<uint32_t>(v.arch.regs.rcx);
    x86::CpuidRegs r{};
    if (leaf >= XEN_CPUID_FIRST_LEAF && leaf < XEN_CPUID_FIRST_LEAF + 0x10000) {
        switch (leaf - XEN_CPUID_FIRST_LEAF) {
        case 0:
            r = {XEN_CPUID_FIRST_LEAF + XEN_CPUID_MAX_NUM_LEAVES, XEN_CPUID_SIGNATURE_EBX,
                 XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX};
            break;
        case 1: r.eax = (4u << 16) | 17u; break;
        case 2: r.eax = 1; r.ebx = hypercall_msr; break; // one hypercall page
        case 3:
            if (sub == 0) r.ecx = static_cast<uint32_t>(tsc_khz());
            if (sub == 2) r.eax = static_cast<uint32_t>(tsc_khz());
            break;
        case 4:
            if (sub == 0) {
                r.eax = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
                r.ebx = v.vcpu_id;
                r.ecx = v.domain->domid;
            }
            break;
        default: break;
        }
    } else {
        r = x86::cpuid(leaf, sub);
        if (leaf == 1) {
            // Hide what cxen does not virtualise yet; say we are a guest.
            r.ecx &= ~((1u << 3) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 21) |
                       (1u << 24) | (1u << 26) | (1u << 27));
            r.ecx |= 1u << 31;
            r.ebx = (r.ebx & 0x0000ffffu) | ((v.vcpu_id * 2) << 24) | (v.domain->max_vcpus << 16);
        } else if (leaf == 7 && sub == 0) {
            r.ebx &= ~(1u << 0); // FSGSBASE needs nothing here, but no SGX/TSC_ADJUST games
        } else if (leaf == 0xd) {
            r = {}; // no XSAVE until vCPU FPU state is switched with it
        } else if (leaf == 0x80000001) {
            r.ecx &= ~(1u << 2); // no nested SVM
        } else if (leaf == 0x8000000a) {
            r = {};
        }
    }
    vm.rax = r.eax;
    v.arch.regs.rbx = r.ebx;
    v.arch.regs.rcx = r.ecx;
    v.arch.regs.rdx = r.edx;
    advance(vm, 2);
    return Exit::resume;
}

Exit on_msr(Vcpu& v, Vmcb& vm) {
    const uint32_t msr = static_cast<uint32_t>(v.arch.regs.rcx);
    const bool write = vm.exitinfo1 & 1;
    const uint64_t value = (v.arch.regs.rdx << 32) | static_cast<uint32_t>(vm.rax);
    uint64_t result = 0;
    bool ok = true;
    if (write) {
        switch (msr) {
        case x86::MSR_EFER: vm.set_efer(value | EFER_SVME); break;
        case hypercall_msr: write_hypercall_page(v, value & ~0xfffull); break;
        case 0x277: vm.set_g_pat(value); break;       // PAT
        case 0x1b: case 0x2ff: case 0x8b: break;      // APIC base, MTRRdefType, microcode rev: ignored
        default: ok = false;
        }
    } else {
        switch (msr) {
        case x86::MSR_EFER: result = vm.efer() & ~EFER_SVME; break;
        case 0x277: result = vm.g_pat(); break;
        case 0x1b: result = 0xfee00000ull | x86::APIC_BASE_EN | (v.vcpu_id == 0 ? x86::APIC_BASE_BSP : 0); break;
        case 0xfe: case 0x2ff: case 0x8b: case 0x17: result = 0; break; // MTRRcap, MTRRdefType, ucode, platform id
        case 0x10: result = x86::rdtsc() + vm.tsc_offset(); break;
        default: ok = false;
        }
    }
    if (!ok) {
        log(LogLevel::debug, "d%uv%u: %s of MSR %#x: #GP\n", v.domain->domid, v.vcpu_id,
            write ? "write" : "read", msr);
        inject_gp(vm);
        return Exit::resume;
    }
    if (!write) {
        vm.rax = static_cast<uint32_t>(result);
        v.arch.regs.rdx = result >> 32;
    }
    advance(vm, 2);
    return Exit::resume;
}

Exit on_ioio(Vcpu& v, Vmcb& vm) {
    const uint64_t info = vm.exitinfo1;
    const bool in = info & 1, string = info & 4;
    const uint16_t port = static_cast<uint16_t>(info >> 16);
    const unsigned size = (info & (1u << 4)) ? 1 : (info & (1u << 5)) ? 2 : 4;
    if (!string) {
        if (in) {
            const uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
            const uint64_t val = port == debugcon_port ? debugcon_port : mask; // unclaimed ports read all-ones
            vm.rax = (vm.rax & ~mask) | val;
        } else if (port == debugcon_port) {
            const char c = static_cast<char>(vm.rax);
            domain_console_write(*v.domain, &c, 1);
        }
    }
    // String I/O to unclaimed ports is dropped (TODO(#4): OUTSB to 0xE9).
    vm.rip = vm.exitinfo2; // next RIP, provided for IOIO exits
    return Exit::resume;
}

Exit on_hlt(Vcpu& v, Vmcb& vm) {
    advance(vm, 1);
    if (!(vm.rflags & RFLAGS_IF)) {
        // HLT with interrupts off: this vCPU goes down (Xen's hvm_hlt);
        // when every vCPU is down the domain has powered off.
        v.state.store(VcpuState::running); // stays ours until sched_loop
        v.arch.down = true;
        Domain& d = *v.domain;
        bool all_down = true;
        for (unsigned i = 0; i < d.max_vcpus; ++i)
            if (d.vcpus[i] && !d.vcpus[i]->arch.down) all_down = false;
        if (all_down) domain_shutdown(d, ShutdownReason::poweroff);
        else vcpu_block(v);
        return Exit::reschedule;
    }
    vcpu_block(v);
    return Exit::reschedule;
}

Exit on_vmmcall(Vcpu& v, Vmcb& vm) {
    advance(vm, 3);
    if (vm.cpl() != 0) {
        vm.rax = static_cast<uint64_t>(-static_cast<long>(Errno::XEN_EPERM));
        return Exit::resume;
    }
    HypercallArgs args;
    const auto& r = v.arch.regs;
    uint64_t nr = vm.rax;
    if (guest_64bit(vm)) {
        args = {{r.rdi, r.rsi, r.rdx, r.r10, r.r8}};
    } else {
        nr &= 0xffffffff;
        args = {{r.rbx & 0xffffffff, r.rcx & 0xffffffff, r.rdx & 0xffffffff, r.rsi & 0xffffffff,
                 r.rdi & 0xffffffff}};
    }
    const long ret = do_hypercall(v, nr, args);
    vm.rax = guest_64bit(vm) ? static_cast<uint64_t>(ret) : static_cast<uint32_t>(ret);
    return v.block_requested.load() ? Exit::reschedule : Exit::resume;
}

Exit on_npf(Vcpu& v, Vmcb& vm) {
    char why[96];
    snprintf(why, sizeof(why), "access to gpa %#lx outside its memory (error %#lx, rip %#lx)", vm.exitinfo2,
             vm.exitinfo1, vm.rip);
    domain_crash(*v.domain, why);
    return Exit::reschedule;
}

Exit on_shutdown(Vcpu& v, Vmcb& vm) {
    char why[64];
    snprintf(why, sizeof(why), "triple fault at rip %#lx", vm.rip);
    domain_crash(*v.domain, why);
    return Exit::reschedule;
}

Exit on_ud(Vcpu&, Vmcb& vm) {
    inject_exception(vm, 6);
    return Exit::resume;
}

Exit on_reinject(Vcpu&, Vmcb& vm) { // #DB, #AC: intercepted so they cannot loop the host
    const uint8_t vector = static_cast<uint8_t>(vm.exitcode - svm::exit_excp_base);
    vm.eventinj = vector == 17 ? svm::make_event(vector, svm::event_exception, 0)
                               : svm::make_event(vector, svm::event_exception);
    return Exit::resume;
}

Exit on_nothing(Vcpu&, Vmcb&) { return Exit::resume; } // the host took the interrupt already

struct ExitEntry {
    uint64_t code;
    Exit (*handler)(Vcpu&, Vmcb&);
};
constexpr ExitEntry exit_table[] = {
    {svm::exit_intr, on_nothing},       {svm::exit_nmi, on_nothing},
    {svm::exit_cpuid, on_cpuid},        {svm::exit_msr, on_msr},
    {svm::exit_ioio, on_ioio},          {svm::exit_hlt, on_hlt},
    {svm::exit_vmmcall, on_vmmcall},    {svm::exit_npf, on_npf},
    {svm::exit_shutdown, on_shutdown},  {svm::exit_excp_base + 1, on_reinject},
    {svm::exit_excp_base + 17, on_reinject}, {svm::exit_vmrun, on_ud},
    {svm::exit_vmload, on_ud},          {svm::exit_vmsave, on_ud},
    {svm::exit_stgi, on_ud},            {svm::exit_clgi, on_ud},
    {svm::exit_skinit, on_ud},          {svm::exit_invlpga, on_ud},
    {svm::exit_monitor, on_ud},         {svm::exit_mwait, on_ud},
    {svm::exit_mwait_cond, on_ud},      {svm::exit_xsetbv, on_ud},
    {svm::exit_rdpru, on_ud},           {svm::exit_invd, on_ud},
};

Exit handle_exit(Vcpu& v, Vmcb& vm) {
    for (const ExitEntry& e : exit_table)
        if (e.code == vm.exitcode) return e.handler(v, vm);
    char why[80];
    if (vm.exitcode == svm::exit_invalid) snprintf(why, sizeof(why), "invalid guest state (VMRUN refused the VMCB)");
    else snprintf(why, sizeof(why), "unhandled #VMEXIT %#lx at rip %#lx", vm.exitcode, vm.rip);
    domain_crash(*v.domain, why);
    return Exit::reschedule;
}
} // namespace

Status vcpu_arch_init(Vcpu& v, uint64_t entry, uint64_t start_info_gpa) {
    void* page = TRY(alloc_xenheap_pages(0));
    memset(page, 0, page_size);
    auto* vm = static_cast<Vmcb*>(page);
    v.arch.vmcb = vm;
    v.arch.vmcb_pa = virt_to_maddr(page);

    vm->set_intercept_misc1(svm::intercept_intr | svm::intercept_nmi | svm::intercept_smi |
                            svm::intercept_cpuid | svm::intercept_hlt | svm::intercept_ioio |
                            svm::intercept_msr | svm::intercept_shutdown | svm::intercept_invd |
                            svm::intercept_task_switch | svm::intercept_invlpga | svm::intercept_rsm);
    vm->set_intercept_misc2(svm::intercept_vmrun | svm::intercept_vmmcall | svm::intercept_vmload |
                            svm::intercept_vmsave | svm::intercept_stgi | svm::intercept_clgi |
                            svm::intercept_skinit | svm::intercept_monitor | svm::intercept_mwait |
                            svm::intercept_mwait_cond | svm::intercept_xsetbv | svm::intercept_rdpru);
    vm->set_intercept_exceptions((1u << 1) | (1u << 17));
    vm->set_iopm_base_pa(svm::iopm_pa());
    vm->set_msrpm_base_pa(svm::msrpm_pa());
    vm->set_vintr(1ull << 24); // V_INTR_MASKING: guest IF masks only virtual interrupts
    vm->set_np_enable(1);
    vm->set_ncr3(v.domain->p2m.root());
    vm->set_g_pat(0x0007040600070406ull); // power-on PAT

    // PVH entry state (Xen docs/misc/pvh.pandoc): 32-bit protected mode,
    // paging off, flat CS/DS/ES/SS, TR a 32-bit busy TSS, EBX = start_info.
    vm->set_cs(flat(0x10, 0xc9b));
    vm->set_ds(flat(0x18, 0xc93));
    vm->set_es(flat(0x18, 0xc93));
    vm->set_ss(flat(0x18, 0xc93));
    vm->fs = flat(0, 0xc93);
    vm->gs = flat(0, 0xc93);
    vm->tr = {0x20, 0x8b, 0x67, 0};
    vm->ldtr = {0, 0x82, 0, 0};
    vm->set_gdtr({0, 0, 0, 0});
    vm->set_idtr({0, 0, 0, 0});
    vm->set_cr0(CR0_PE | CR0_ET);
    vm->set_cr4(0);
    vm->set_efer(EFER_SVME);
    vm->set_dr6(0xffff0ff0);
    vm->set_dr7(0x400);
    vm->rflags = 2;
    vm->rip = entry;
    v.arch.regs.rbx = start_info_gpa;
    vm->mark_all_dirty();
    return ok_status();
}

void vcpu_arch_destroy(Vcpu& v) {
    if (v.arch.vmcb) free_xenheap_pages(v.arch.vmcb, 0);
    v.arch.vmcb = nullptr;
}

void domain_arch_set_tsc_offset(Domain& d, uint64_t offset) {
    for (unsigned i = 0; i < d.max_vcpus; ++i)
        if (Vcpu* v = d.vcpus[i]; v && v->arch.vmcb) v->arch.vmcb->set_tsc_offset(offset);
}

void vcpu_pend_upcall(Vcpu& v) {
    // TODO(#3): inject the callback vector; until then a wake-up only.
    vcpu_wake(v);
    vcpu_kick(v);
}

void vcpu_kick(Vcpu& v) { send_event_check(v.processor); }

void vcpu_run(Vcpu& v) {
    Vmcb& vm = *v.arch.vmcb;
    const unsigned cpu = this_cpu().cpu_id;
    if (v.arch.last_cpu != static_cast<int>(cpu) || v.arch.asid_generation != svm::asid_generation()) {
        bool flush;
        vm.set_asid(svm::asid_alloc(v.arch.asid_generation, flush));
        vm.tlb_control = flush ? 1 : 0;
        v.arch.last_cpu = static_cast<int>(cpu);
        vm.mark_all_dirty();
    }
    for (;;) {
        if (v.domain->is_shutdown.load() || v.block_requested.load()) return;
        irq_disable();
        if (softirq_pending(cpu)) {
            irq_enable();
            return;
        }
        svm_vmrun(v.arch.vmcb_pa, &v.arch.regs, svm::host_vmcb_pa());
        vm.tlb_control = 0;
        if (handle_exit(v, vm) == Exit::reschedule) return;
    }
}

} // namespace cxen::arch
