// HVM save and restore (arch/hvm_save.hpp) over the vendor-neutral vCPU
// state: Xen 4.17's hvm_save/hvm_load (xen/arch/x86/hvm/save.c), the CPU
// record of hvm_save_cpu_ctxt/hvm_load_cpu_ctxt (hvm.c), the MTRR record
// of hvm_save_mtrr_msr/hvm_load_mtrr_msr (mtrr.c). What only the control
// block holds (DR6/DR7, SYSCALL/SYSENTER MSRs, the queued event) goes
// through hvm_funcs.save_cpu_ctxt/load_cpu_ctxt, as in Xen.
//
// Records cxen saves: HEADER, CPU per vCPU that is up, MTRR per vCPU, END.
// Xen 4.17 also saves, for a PVH domU, LAPIC/LAPIC_REGS, the (empty) PIC
// and IRQ routing records, VMCE_VCPU, TSC_ADJUST, CPU_XSAVE and CPU_MSR;
// cxen's vLAPIC and FPU state are not in that form yet, so they are left
// out rather than written with made-up contents (docs/control-domain.md).
//
// Locking: the domain is paused and each vCPU seen off its pCPU before
// its state is read or written from this pCPU (Xen's domain_pause()), so
// nothing else touches the control block meanwhile; the start request is
// cleared under ArchVcpu::lock so a pending INIT/SIPI or VCPUOP_initialise
// does not overwrite the loaded state.
#include "arch/hvm_save.hpp"

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "arch/x86/hvm/hvm.hpp"
#include "common/console/guest_log.hpp"
#include "lib/base/string.hpp"

namespace cxen::arch {

using namespace hvm;

namespace {
constexpr uint16_t code_end = 0, code_header = 1, code_cpu = 2, code_mtrr = 14;

/// Xen's domain_pause() (the synchronous one): no vCPU of d runs
/// afterwards, and each has left its pCPU, so its state is in memory.
/// A vCPU on this pCPU is not running (this hypercall is).
struct PausedDomain {
    explicit PausedDomain(Domain& dom) : d(dom) {
        domain_pause(d);
        for (unsigned i = 0; i < d.max_vcpus; ++i)
            if (Vcpu* v = d.vcpus[i])
                while (v->state.load() == VcpuState::running) cpu_relax();
    }
    ~PausedDomain() { domain_unpause(d); }
    Domain& d;
};

/// The record's field of GPR n (hvm_funcs numbering: RAX RCX RDX RBX RSP
/// RBP RSI RDI R8-R15).
constexpr uint64_t hvm_hw_cpu::*gpr_field[16] = {
    &hvm_hw_cpu::rax, &hvm_hw_cpu::rcx, &hvm_hw_cpu::rdx, &hvm_hw_cpu::rbx, &hvm_hw_cpu::rsp, &hvm_hw_cpu::rbp,
    &hvm_hw_cpu::rsi, &hvm_hw_cpu::rdi, &hvm_hw_cpu::r8,  &hvm_hw_cpu::r9,  &hvm_hw_cpu::r10, &hvm_hw_cpu::r11,
    &hvm_hw_cpu::r12, &hvm_hw_cpu::r13, &hvm_hw_cpu::r14, &hvm_hw_cpu::r15};

void put_segment(const Vcpu& v, Seg s, uint32_t& sel, uint32_t& limit, uint64_t& base, uint32_t& ar) {
    const SegmentRegister r = guest_segment(v, s);
    sel = r.sel;
    limit = r.limit;
    base = r.base;
    ar = r.attr;
}

void save_cpu(const Vcpu& v, hvm_hw_cpu& c) {
    memset(&c, 0, sizeof(c));
    for (unsigned n = 0; n < 16; ++n) c.*gpr_field[n] = guest_gpr(v, n);
    c.rip = guest_rip(v);
    c.rflags = guest_rflags(v);
    c.cr0 = guest_cr0(v);
    c.cr2 = hvm_funcs.get_cr(v, 2);
    c.cr3 = guest_cr3(v);
    c.cr4 = guest_cr4(v);
    c.dr0 = v.arch.dr[0];
    c.dr1 = v.arch.dr[1];
    c.dr2 = v.arch.dr[2];
    c.dr3 = v.arch.dr[3];
    c.msr_efer = guest_efer(v);
    c.msr_tsc_aux = v.arch.tsc_aux;
    c.tsc = x86::rdtsc() + hvm_funcs.get_tsc_offset(v);
    put_segment(v, Seg::cs, c.cs_sel, c.cs_limit, c.cs_base, c.cs_arbytes);
    put_segment(v, Seg::ds, c.ds_sel, c.ds_limit, c.ds_base, c.ds_arbytes);
    put_segment(v, Seg::es, c.es_sel, c.es_limit, c.es_base, c.es_arbytes);
    put_segment(v, Seg::ss, c.ss_sel, c.ss_limit, c.ss_base, c.ss_arbytes);
    put_segment(v, Seg::fs, c.fs_sel, c.fs_limit, c.fs_base, c.fs_arbytes);
    put_segment(v, Seg::gs, c.gs_sel, c.gs_limit, c.gs_base, c.gs_arbytes);
    put_segment(v, Seg::tr, c.tr_sel, c.tr_limit, c.tr_base, c.tr_arbytes);
    put_segment(v, Seg::ldtr, c.ldtr_sel, c.ldtr_limit, c.ldtr_base, c.ldtr_arbytes);
    const SegmentRegister gdtr = guest_segment(v, Seg::gdtr), idtr = guest_segment(v, Seg::idtr);
    c.gdtr_limit = gdtr.limit;
    c.gdtr_base = gdtr.base;
    c.idtr_limit = idtr.limit;
    c.idtr_base = idtr.base;
    hvm_funcs.save_cpu_ctxt(v, c);
    // The x87/SSE legacy region: the first 512 bytes of both the FXSAVE
    // and the XSAVE image. cxen's vCPUs always have an FPU state.
    memcpy(c.fpu_regs, v.arch.fpu_area, sizeof(c.fpu_regs));
    c.flags = XEN_X86_FPU_INITIALISED;
}

void load_cpu(Vcpu& v, const hvm_hw_cpu& c) {
    {
        IrqSpinGuard g(v.arch.lock);
        v.arch.start.kind = VcpuStart::none; // the record wins over a pending INIT/SIPI start
    }
    hvm_funcs.set_cr(v, 0, c.cr0);
    hvm_funcs.set_cr(v, 2, c.cr2);
    hvm_funcs.set_cr(v, 3, c.cr3);
    hvm_funcs.set_cr(v, 4, c.cr4);
    hvm_funcs.set_efer(v, c.msr_efer);
    const auto seg = [&v](Seg s, uint32_t sel, uint32_t limit, uint64_t base, uint32_t ar) {
        hvm_funcs.set_segment(v, s, {static_cast<uint16_t>(sel), static_cast<uint16_t>(ar & 0xfff), limit, base});
    };
    seg(Seg::cs, c.cs_sel, c.cs_limit, c.cs_base, c.cs_arbytes);
    seg(Seg::ds, c.ds_sel, c.ds_limit, c.ds_base, c.ds_arbytes);
    seg(Seg::es, c.es_sel, c.es_limit, c.es_base, c.es_arbytes);
    seg(Seg::ss, c.ss_sel, c.ss_limit, c.ss_base, c.ss_arbytes);
    seg(Seg::fs, c.fs_sel, c.fs_limit, c.fs_base, c.fs_arbytes);
    seg(Seg::gs, c.gs_sel, c.gs_limit, c.gs_base, c.gs_arbytes);
    seg(Seg::tr, c.tr_sel, c.tr_limit, c.tr_base, c.tr_arbytes);
    seg(Seg::ldtr, c.ldtr_sel, c.ldtr_limit, c.ldtr_base, c.ldtr_arbytes);
    seg(Seg::gdtr, 0, c.gdtr_limit, c.gdtr_base, 0);
    seg(Seg::idtr, 0, c.idtr_limit, c.idtr_base, 0);
    hvm_funcs.set_cpl(v, (c.ss_arbytes >> 5) & 3); // SS.DPL, as SVM's CPL
    for (unsigned n = 0; n < 16; ++n) set_guest_gpr(v, n, c.*gpr_field[n]);
    hvm_funcs.set_rip(v, c.rip);
    hvm_funcs.set_rflags(v, c.rflags | 2); // bit 1 always set (X86_EFLAGS_MBS)
    v.arch.dr[0] = c.dr0;
    v.arch.dr[1] = c.dr1;
    v.arch.dr[2] = c.dr2;
    v.arch.dr[3] = c.dr3;
    v.arch.tsc_aux = static_cast<uint32_t>(c.msr_tsc_aux);
    // The record's tsc is not applied: cxen keeps one TSC offset per domain
    // so that its vCPUs' TSCs never drift apart (docs/control-domain.md).
    hvm_funcs.load_cpu_ctxt(v, c);
    // FPU: the saved legacy region (Xen's vcpu_setup_fpu), or the
    // power-on state (FCW_RESET) when the record has none. XCR0 and the
    // components above SSE would come in Xen's CPU_XSAVE record, which
    // cxen does not write: they are kept as they are, so a context read
    // and written back leaves the vCPU's AVX state alone.
    if (c.flags & XEN_X86_FPU_INITIALISED) {
        memcpy(v.arch.fpu_area, c.fpu_regs, sizeof(c.fpu_regs));
        if (fpu().xsave) { // XSTATE_BV: x87 and SSE come from the area, not their init state
            uint64_t bv;
            memcpy(&bv, static_cast<uint8_t*>(v.arch.fpu_area) + 512, sizeof(bv));
            bv |= XCR0_X87 | XCR0_SSE;
            memcpy(static_cast<uint8_t*>(v.arch.fpu_area) + 512, &bv, sizeof(bv));
        }
    } else {
        const uint64_t xcr0 = v.arch.xcr0;
        fpu_reset(v);
        v.arch.xcr0 = xcr0;
    }
    v.arch.tlb_stale.store(true); // new paging state: a fresh TLB tag at entry
}

void save_mtrr(const Vcpu& v, hvm_hw_mtrr& m) {
    memset(&m, 0, sizeof(m));
    m.msr_pat_cr = hvm_funcs.get_guest_pat(v);
    memcpy(m.msr_mtrr_var, v.arch.mtrr.var, sizeof(m.msr_mtrr_var));
    memcpy(m.msr_mtrr_fixed, v.arch.mtrr.fixed, sizeof(m.msr_mtrr_fixed));
    m.msr_mtrr_cap = vmtrr_cap_value;
    m.msr_mtrr_def_type = v.arch.mtrr.def_type;
}
static_assert(sizeof(hvm_hw_mtrr::msr_mtrr_var) == sizeof(Vmtrr::var));
static_assert(sizeof(hvm_hw_mtrr::msr_mtrr_fixed) == sizeof(Vmtrr::fixed));

/// hvm_load_mtrr_msr(): each value only if valid (Xen's mtrr_*_msr_set
/// and hvm_set_guest_pat ignore the others); MTRRcap stays cxen's.
void load_mtrr(Vcpu& v, const hvm_hw_mtrr& m) {
    if (pat_valid(m.msr_pat_cr)) hvm_funcs.set_guest_pat(v, m.msr_pat_cr);
    const unsigned bits = guest_maxphysaddr();
    (void)v.arch.mtrr.write(msr_mtrr_fix64k_00000, m.msr_mtrr_fixed[0], bits);
    (void)v.arch.mtrr.write(msr_mtrr_fix16k_80000, m.msr_mtrr_fixed[1], bits);
    (void)v.arch.mtrr.write(msr_mtrr_fix16k_a0000, m.msr_mtrr_fixed[2], bits);
    for (unsigned i = 0; i < 8; ++i) (void)v.arch.mtrr.write(msr_mtrr_fix4k_c0000 + i, m.msr_mtrr_fixed[3 + i], bits);
    const unsigned vcnt = static_cast<unsigned>(m.msr_mtrr_cap & 0xff); // <= 8, checked
    for (unsigned i = 0; i < 2 * vcnt; ++i) (void)v.arch.mtrr.write(msr_mtrr_phys_first + i, m.msr_mtrr_var[i], bits);
    (void)v.arch.mtrr.write(msr_mtrr_def_type, m.msr_mtrr_def_type, bits);
}

Status load_record(Domain& d, HvmLoadReader& r, const hvm_save_descriptor& desc) {
    if (desc.typecode != code_cpu && desc.typecode != code_mtrr) {
        guest_log(d, LogLevel::error, "HVM%u restore: unknown entry typecode %u\n", d.domid, desc.typecode);
        return Err(Errno::XEN_EINVAL);
    }
    if (desc.instance >= d.max_vcpus || !d.vcpus[desc.instance]) {
        guest_log(d, LogLevel::error, "HVM restore: dom%u has no vcpu%u\n", d.domid, desc.instance);
        return Err(Errno::XEN_EINVAL);
    }
    Vcpu& v = *d.vcpus[desc.instance];
    if (desc.typecode == code_mtrr) {
        hvm_hw_mtrr m;
        TRY(r.read(code_mtrr, &m, sizeof(m)));
        TRY(check_mtrr_record(m));
        load_mtrr(v, m);
        return ok_status();
    }
    hvm_hw_cpu c;
    TRY(r.read(code_cpu, &c, sizeof(c), true)); // hvm_load_entry_zeroextend: older, shorter records
    unfold_arbytes(c);
    const CpuRecordLimits limits{cr4_guest_valid_bits(v), guest_maxphysaddr(), efer_invalid(v, c.msr_efer)};
    const char* why = nullptr;
    if (auto st = check_cpu_record(c, limits, why); !st) {
        guest_log(d, LogLevel::error, "d%uv%u: HVM restore: bad CPU record: %s\n", d.domid, v.vcpu_id, why);
        return st;
    }
    load_cpu(v, c);
    vcpu_loaded_up(v);
    return ok_status();
}
} // namespace

uint32_t hvm_save_size(const Domain& d) {
    unsigned n = 0;
    for (unsigned i = 0; i < d.max_vcpus; ++i)
        if (d.vcpus[i]) ++n;
    return hvm::hvm_save_size(n);
}

Result<uint32_t> hvm_save(Domain& d, SaveIo out, uint32_t capacity) {
    if (d.is_dying.load()) return Err(Errno::XEN_EINVAL);
    PausedDomain paused(d);
    HvmSaveWriter w(out, capacity);
    hvm_save_header h{};
    h.magic = HVM_FILE_MAGIC;
    h.version = HVM_FILE_VERSION;
    h.changeset = ~0ull; // Xen's "unknown": cxen has no Xen changeset
    h.cpuid = x86::cpuid(1, 0).eax;
    h.gtsc_khz = static_cast<uint32_t>(tsc_khz());
    TRY(w.put(code_header, 0, &h, sizeof(h)));
    for (unsigned i = 0; i < d.max_vcpus; ++i) { // Xen's order: by typecode, then by vCPU
        const Vcpu* v = d.vcpus[i];
        if (!v || v->down.load()) continue; // a vCPU that is down has no CPU record
        hvm_hw_cpu c;
        save_cpu(*v, c);
        TRY(w.put(code_cpu, static_cast<uint16_t>(i), &c, sizeof(c)));
    }
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        if (!d.vcpus[i]) continue;
        hvm_hw_mtrr m;
        save_mtrr(*d.vcpus[i], m);
        TRY(w.put(code_mtrr, static_cast<uint16_t>(i), &m, sizeof(m)));
    }
    TRY(w.put(code_end, 0, nullptr, 0));
    return w.size();
}

Status hvm_load(Domain& d, SaveIo in, uint32_t size) {
    if (d.is_dying.load()) return Err(Errno::XEN_EINVAL);
    PausedDomain paused(d);
    HvmLoadReader r(in, size);
    hvm_save_header h;
    if (auto st = r.read(code_header, &h, sizeof(h)); !st)
        return st.error() == Errno::XEN_EFAULT ? st : Status(Err(Errno::XEN_ENODATA));
    if (auto st = check_save_header(h); !st) {
        guest_log(d, LogLevel::error, "HVM%u restore: bad magic %#x or version %u\n", d.domid, h.magic, h.version);
        return st;
    }
    // The header's gtsc_khz is not applied: cxen runs guests at the host's
    // TSC rate, with no TSC scaling (docs/control-domain.md).
    for (unsigned i = 0; i < d.max_vcpus; ++i) // only the vCPUs with a CPU record come back up
        if (Vcpu* v = d.vcpus[i]) vcpu_load_down(*v);
    for (;;) {
        hvm_save_descriptor desc;
        TRY(r.peek(desc));
        if (desc.typecode == code_end) return ok_status();
        TRY(load_record(d, r, desc));
    }
}

Result<uint32_t> hvm_save_one(Domain& d, uint32_t typecode, uint32_t instance, void* body, uint32_t capacity) {
    if (d.is_dying.load() || (typecode != code_cpu && typecode != code_mtrr)) return Err(Errno::XEN_EINVAL);
    if (instance >= d.max_vcpus || !d.vcpus[instance]) return Err(Errno::XEN_ENOENT);
    Vcpu& v = *d.vcpus[instance];
    PausedDomain paused(d);
    if (typecode == code_mtrr) {
        if (capacity < sizeof(hvm_hw_mtrr)) return Err(Errno::XEN_ENOBUFS);
        save_mtrr(v, *static_cast<hvm_hw_mtrr*>(body));
        return uint32_t{sizeof(hvm_hw_mtrr)};
    }
    if (v.down.load()) return Err(Errno::XEN_ENODATA); // hvm_save_one() finds no record
    if (capacity < sizeof(hvm_hw_cpu)) return Err(Errno::XEN_ENOBUFS);
    save_cpu(v, *static_cast<hvm_hw_cpu*>(body));
    return uint32_t{sizeof(hvm_hw_cpu)};
}

} // namespace cxen::arch
