// Instructions the hypervisor completes for the guest: intercepted control-
// register writes and accesses to guest-physical addresses that no RAM
// backs. Without decode assists the bytes at the guest's RIP are fetched
// through the checked guest-access path (the guest's own page tables, then
// the p2m) and decoded by insn_decode.hpp.
//
// MMIO holes: a PVH domU has no device model, so Xen's hvmemul_do_io()
// finds no ioreq server for such an access and completes it with its null
// handler: reads return all ones, writes are dropped
// (xen/arch/x86/hvm/emulate.c; unpopulated gfns are p2m_mmio_dm, which
// hvm_hap_nested_page_fault() hands to handle_mmio()). An instruction
// Xen's emulator could not complete is #GP (handle_mmio() failing), an
// invalid encoding #UD. cxen's decoder knows the MOV family and BT, which
// is what drivers and the XTF tests use on MMIO; the rest is #GP (see
// docs/domains.md).
#include "arch/x86/hvm/svm/vcpu_internal.hpp"

#include "arch/guest_access.hpp"
#include "arch/layout.hpp"
#include "common/console/printk.hpp"

namespace cxen::arch::hvm {

namespace {
constexpr uint64_t rflags_cf = 1;
// NPF EXITINFO1 (APM Vol. 2, 15.25.6): #PF-style bits 0-4, then where the
// fault happened: bit 32 the final guest-physical address, bit 33 a
// guest page-table access during the walk.
constexpr uint64_t npf_write = 1ull << 1, npf_fetch = 1ull << 4, npf_in_walk = 1ull << 33;

CpuMode guest_mode(const Vmcb& vm) {
    if (!(vm.cr0() & CR0_PE)) return CpuMode::real16;
    const uint16_t cs = vm.cs().attrib;
    if ((vm.efer() & EFER_LMA) && (cs & (1u << 9))) return CpuMode::long64;
    return (cs & (1u << 10)) ? CpuMode::prot32 : CpuMode::prot16;
}

/// The instruction at CS:RIP. An instruction that cannot be read decodes
/// as unsupported.
Insn fetch_insn(Vcpu& v, Vmcb& vm) {
    const CpuMode mode = guest_mode(vm);
    uint64_t ip = vm.rip;
    if (mode != CpuMode::long64) ip = (vm.cs().base + ip) & 0xffffffffull;
    uint8_t bytes[insn_max_len];
    size_t n = insn_max_len;
    if (!copy_from_guest(v, ip, bytes, n)) {
        // The next page may be unreadable: what is left of this one.
        n = page_size - (ip & (page_size - 1));
        if (n >= insn_max_len || !copy_from_guest(v, ip, bytes, n)) return Insn{};
    }
    return decode_insn(bytes, n, mode);
}

uint64_t segment_base(const Vmcb& vm, const MemOperand& m) {
    int seg = m.segment;
    if (seg < 0) seg = (m.base == 4 || m.base == 5) ? 2 : 3; // SS for RSP/RBP, else DS
    const bool long64 = guest_mode(vm) == CpuMode::long64;
    switch (seg) {
    case 4: return vm.fs.base;
    case 5: return vm.gs.base;
    case 0: return long64 ? 0 : vm.es().base;
    case 1: return long64 ? 0 : vm.cs().base;
    case 2: return long64 ? 0 : vm.ss().base;
    default: return long64 ? 0 : vm.ds().base;
    }
}

/// Write `value` of `size` bytes to the register operand as a MOV would:
/// 32-bit results zero-extend, 8/16-bit ones keep the other bits.
void write_reg(Vcpu& v, Vmcb& vm, const Insn& insn, unsigned size, uint64_t value) {
    uint64_t& r = guest_gpr(v, vm, insn.reg);
    if (insn.reg_high8) r = (r & ~0xff00ull) | ((value & 0xff) << 8);
    else if (size == 8) r = value;
    else if (size == 4) r = value & 0xffffffffull;
    else {
        const uint64_t mask = (1ull << (8 * size)) - 1;
        r = (r & ~mask) | (value & mask);
    }
}
/// xAPIC register at `offset` of the MMIO window, read as Xen's
/// vlapic_mmio_read: the x2APIC register 0x800 + offset / 16, except what
/// differs between the modes (SDM 11.12.1): the ID in bits 31:24, LDR and
/// DFR, ICR in two halves. Registers x2APIC lacks read as 0.
uint32_t xapic_read(Vcpu& v, unsigned offset) {
    const uint32_t msr = x2apic_msr_first + (offset >> 4);
    uint64_t value = 0;
    switch (msr) {
    case x2apic_id: return v.arch.vlapic.id() << 24;
    case x2apic_ldr: return v.arch.xapic_ldr;
    case x2apic_ldr + 1: return v.arch.xapic_dfr;
    case x2apic_icr + 1: return v.arch.xapic_icr2;
    case x2apic_self_ipi: return 0;
    default: return vlapic_reg_access(v, msr, false, 0, value) ? static_cast<uint32_t>(value) : 0;
    }
}

/// A 32-bit write to the xAPIC window (other widths are dropped, as Xen's
/// vlapic_mmio_write ignores them). Values x2APIC would refuse with #GP are
/// what xAPIC ignores: such writes are dropped.
void xapic_write(Vcpu& v, unsigned offset, uint32_t value) {
    const uint32_t msr = x2apic_msr_first + (offset >> 4);
    uint64_t unused = 0;
    switch (msr) {
    case x2apic_id: case x2apic_self_ipi: return;
    case x2apic_ldr: v.arch.xapic_ldr = value & 0xff000000u; return;
    case x2apic_ldr + 1: v.arch.xapic_dfr = value | 0x0fffffffu; return;
    case x2apic_icr + 1: v.arch.xapic_icr2 = value & 0xff000000u; return;
    case x2apic_icr: { // the low half sends, to the 8-bit destination of ICR2 (0xFF: everyone)
        const uint32_t dest8 = v.arch.xapic_icr2 >> 24;
        const uint64_t dest = dest8 == 0xff ? 0xffffffffull : dest8;
        (void)vlapic_reg_access(v, msr, true, (dest << 32) | (value & 0x000ccfffu), unused);
        return;
    }
    case x2apic_eoi: case x2apic_esr: value = 0; break; // any value in xAPIC mode
    default: break;
    }
    (void)vlapic_reg_access(v, msr, true, value, unused);
}

/// An access to the xAPIC MMIO window while the vLAPIC is in xAPIC mode
/// (Xen's vlapic_mmio_ops claim it then).
Exit on_xapic_mmio(Vcpu& v, Vmcb& vm, const Insn& insn, unsigned offset, bool write) {
    const unsigned in_reg = offset & 0xf;
    switch (insn.op) {
    case InsnOp::load:
    case InsnOp::bit_test: {
        if (write) break;
        uint64_t value = ~0ull;
        if (in_reg + insn.mem_size <= 4) value = xapic_read(v, offset & ~0xfu) >> (8 * in_reg);
        if (insn.op == InsnOp::load) {
            if (insn.mem_size < 8) value &= (1ull << (8 * insn.mem_size)) - 1;
            if (insn.sign_extend && insn.mem_size < 8) {
                const unsigned shift = 64 - 8 * insn.mem_size;
                value = static_cast<uint64_t>(static_cast<int64_t>(value << shift) >> shift);
            }
            write_reg(v, vm, insn, insn.reg_size, value);
        } else {
            const unsigned bitno = static_cast<unsigned>(insn.has_imm ? insn.imm : guest_gpr(v, vm, insn.reg)) &
                                   (8u * insn.mem_size - 1);
            vm.rflags = (vm.rflags & ~rflags_cf) | ((value >> bitno) & 1);
        }
        advance(vm, insn.len);
        return Exit::resume;
    }
    case InsnOp::store: {
        const uint64_t value = insn.has_imm ? insn.imm : guest_gpr(v, vm, insn.reg) >> (insn.reg_high8 ? 8 : 0);
        if (insn.mem_size == 4 && in_reg == 0) xapic_write(v, offset, static_cast<uint32_t>(value));
        advance(vm, insn.len);
        return Exit::resume;
    }
    case InsnOp::invalid: inject_exception(vm, 6); return Exit::resume;
    default: break;
    }
    inject_gp(vm);
    return Exit::resume;
}
} // namespace

uint64_t& guest_gpr(Vcpu& v, Vmcb& vm, unsigned n) {
    auto& g = v.arch.regs;
    uint64_t* const regs[16] = {&vm.rax, &g.rcx, &g.rdx, &g.rbx, &vm.rsp, &g.rbp, &g.rsi, &g.rdi,
                                &g.r8,   &g.r9,  &g.r10, &g.r11, &g.r12, &g.r13, &g.r14, &g.r15};
    return *regs[n & 15];
}

Exit on_cr_write(Vcpu& v, Vmcb& vm) {
    const unsigned cr = static_cast<unsigned>(vm.exitcode - svm::exit_cr0_write);
    const Insn insn = fetch_insn(v, vm);
    const bool long64 = guest_mode(vm) == CpuMode::long64;
    uint64_t value = 0;
    bool ok;
    if (insn.op == InsnOp::mov_to_cr && insn.cr == cr) {
        value = guest_gpr(v, vm, insn.rm);
        if (!long64) value &= 0xffffffffull;
        ok = cr == 0 ? set_cr0(v, vm, value) : cr == 3 ? set_cr3(v, vm, value) : cr == 4 && set_cr4(v, vm, value);
    } else if (insn.op == InsnOp::clts && cr == 0) {
        ok = set_cr0(v, vm, vm.cr0() & ~CR0_TS);
    } else if (insn.op == InsnOp::lmsw && cr == 0) {
        uint16_t msw = 0;
        if (insn.rm_is_reg) {
            msw = static_cast<uint16_t>(guest_gpr(v, vm, insn.rm));
        } else {
            const uint64_t ea = segment_base(vm, insn.mem) +
                                effective_address(insn.mem, vm.rip + insn.len,
                                                  [&](unsigned n) { return guest_gpr(v, vm, n); });
            if (!copy_from_guest(v, ea, &msw, sizeof(msw))) {
                inject_gp(vm);
                return Exit::resume;
            }
        }
        // LMSW loads PE, MP, EM, TS, and cannot clear PE.
        const uint64_t old = vm.cr0();
        ok = set_cr0(v, vm, (old & ~0xfull) | (msw & 0xf) | (old & CR0_PE));
    } else {
        // Not the instruction the intercept names (the guest rewrote it
        // under another vCPU's feet, or it cannot be read): let it retry.
        if (insn.op == InsnOp::invalid) inject_exception(vm, 6);
        return Exit::resume;
    }
    if (!ok) {
        guest_log(*v.domain, LogLevel::debug, "d%uv%u: bad write of CR%u (%#lx): #GP\n", v.domain->domid, v.vcpu_id, cr, value);
        inject_gp(vm);
        return Exit::resume;
    }
    advance(vm, insn.len);
    return Exit::resume;
}

Exit on_mmio_hole(Vcpu& v, Vmcb& vm) {
    const uint64_t info = vm.exitinfo1;
    if (info & (npf_fetch | npf_in_walk)) { // code or page tables outside RAM: nothing to complete
        inject_gp(vm);
        return Exit::resume;
    }
    const Insn insn = fetch_insn(v, vm);
    const bool write = info & npf_write;
    if (apic_xapic_mode(v) && (vm.exitinfo2 & ~0xfffull) == apic_default_base)
        return on_xapic_mmio(v, vm, insn, static_cast<unsigned>(vm.exitinfo2 & 0xfff), write);
    switch (insn.op) {
    case InsnOp::load:
        if (write) break;
        {
            uint64_t value = insn.mem_size == 8 ? ~0ull : (1ull << (8 * insn.mem_size)) - 1; // all ones
            if (insn.sign_extend) value = ~0ull;
            write_reg(v, vm, insn, insn.reg_size, value);
        }
        advance(vm, insn.len);
        return Exit::resume;
    case InsnOp::store: // dropped
        advance(vm, insn.len);
        return Exit::resume;
    case InsnOp::bit_test: // every bit reads as set
        if (write) break;
        vm.rflags |= rflags_cf;
        advance(vm, insn.len);
        return Exit::resume;
    case InsnOp::invalid: inject_exception(vm, 6); return Exit::resume;
    default: break;
    }
    guest_log(*v.domain, LogLevel::debug, "d%uv%u: %s of gpa %#lx without RAM by an instruction not emulated (rip %#lx): #GP\n",
        v.domain->domid, v.vcpu_id, write ? "write" : "read", vm.exitinfo2, vm.rip);
    inject_gp(vm);
    return Exit::resume;
}

} // namespace cxen::arch::hvm
