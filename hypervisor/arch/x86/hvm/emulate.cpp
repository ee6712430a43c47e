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
#include "arch/x86/hvm/hvm.hpp"

#include "arch/guest_access.hpp"
#include "arch/layout.hpp"
#include "common/console/printk.hpp"

namespace cxen::arch::hvm {

namespace {
CpuMode guest_mode(const Vcpu& v) {
    if (!(guest_cr0(v) & CR0_PE)) return CpuMode::real16;
    const uint16_t cs = guest_segment(v, Seg::cs).attr;
    if ((guest_efer(v) & EFER_LMA) && (cs & SEG_ATTR_L)) return CpuMode::long64;
    return (cs & SEG_ATTR_DB) ? CpuMode::prot32 : CpuMode::prot16;
}

/// The instruction at CS:RIP. An instruction that cannot be read decodes
/// as unsupported.
Insn fetch_insn(Vcpu& v) {
    const CpuMode mode = guest_mode(v);
    uint64_t ip = guest_rip(v);
    if (mode != CpuMode::long64) ip = (guest_segment(v, Seg::cs).base + ip) & 0xffffffffull;
    uint8_t bytes[insn_max_len];
    size_t n = insn_max_len;
    if (!copy_from_guest(v, ip, bytes, n)) {
        // The next page may be unreadable: what is left of this one.
        n = page_size - (ip & (page_size - 1));
        if (n >= insn_max_len || !copy_from_guest(v, ip, bytes, n)) return Insn{};
    }
    return decode_insn(bytes, n, mode);
}

uint64_t segment_base(const Vcpu& v, const MemOperand& m) {
    int seg = m.segment;
    if (seg < 0) seg = (m.base == 4 || m.base == 5) ? 2 : 3; // SS for RSP/RBP, else DS
    const bool long64 = guest_mode(v) == CpuMode::long64;
    switch (seg) {
    case 4: return guest_segment(v, Seg::fs).base;
    case 5: return guest_segment(v, Seg::gs).base;
    case 0: return long64 ? 0 : guest_segment(v, Seg::es).base;
    case 1: return long64 ? 0 : guest_segment(v, Seg::cs).base;
    case 2: return long64 ? 0 : guest_segment(v, Seg::ss).base;
    default: return long64 ? 0 : guest_segment(v, Seg::ds).base;
    }
}

/// Write `value` of `size` bytes to the register operand as a MOV would:
/// 32-bit results zero-extend, 8/16-bit ones keep the other bits.
void write_reg(Vcpu& v, const Insn& insn, unsigned size, uint64_t value) {
    uint64_t r = guest_gpr(v, insn.reg);
    if (insn.reg_high8) r = (r & ~0xff00ull) | ((value & 0xff) << 8);
    else if (size == 8) r = value;
    else if (size == 4) r = value & 0xffffffffull;
    else {
        const uint64_t mask = (1ull << (8 * size)) - 1;
        r = (r & ~mask) | (value & mask);
    }
    set_guest_gpr(v, insn.reg, r);
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
Exit xapic_mmio(Vcpu& v, const Insn& insn, unsigned offset, bool write) {
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
            write_reg(v, insn, insn.reg_size, value);
        } else {
            const unsigned bitno = static_cast<unsigned>(insn.has_imm ? insn.imm : guest_gpr(v, insn.reg)) &
                                   (8u * insn.mem_size - 1);
            hvm_funcs.set_rflags(v, (guest_rflags(v) & ~RFLAGS_CF) | ((value >> bitno) & 1));
        }
        advance(v, insn.len);
        return Exit::resume;
    }
    case InsnOp::store: {
        const uint64_t value = insn.has_imm ? insn.imm : guest_gpr(v, insn.reg) >> (insn.reg_high8 ? 8 : 0);
        if (insn.mem_size == 4 && in_reg == 0) xapic_write(v, offset, static_cast<uint32_t>(value));
        advance(v, insn.len);
        return Exit::resume;
    }
    case InsnOp::invalid: inject_ud(v); return Exit::resume;
    default: break;
    }
    inject_gp(v);
    return Exit::resume;
}
} // namespace

Exit cr_write(Vcpu& v, unsigned cr) {
    const Insn insn = fetch_insn(v);
    const bool long64 = guest_mode(v) == CpuMode::long64;
    uint64_t value = 0;
    bool ok;
    if (insn.op == InsnOp::mov_to_cr && insn.cr == cr) {
        value = guest_gpr(v, insn.rm);
        if (!long64) value &= 0xffffffffull;
        ok = cr == 0 ? set_cr0(v, value) : cr == 3 ? set_cr3(v, value) : cr == 4 && set_cr4(v, value);
    } else if (insn.op == InsnOp::clts && cr == 0) {
        ok = set_cr0(v, guest_cr0(v) & ~CR0_TS);
    } else if (insn.op == InsnOp::lmsw && cr == 0) {
        uint16_t msw = 0;
        if (insn.rm_is_reg) {
            msw = static_cast<uint16_t>(guest_gpr(v, insn.rm));
        } else {
            const uint64_t ea = segment_base(v, insn.mem) +
                                effective_address(insn.mem, guest_rip(v) + insn.len,
                                                  [&](unsigned n) { return guest_gpr(v, n); });
            if (!copy_from_guest(v, ea, &msw, sizeof(msw))) {
                inject_gp(v);
                return Exit::resume;
            }
        }
        // LMSW loads PE, MP, EM, TS, and cannot clear PE.
        const uint64_t old = guest_cr0(v);
        ok = set_cr0(v, (old & ~0xfull) | (msw & 0xf) | (old & CR0_PE));
    } else {
        // Not the instruction the intercept names (the guest rewrote it
        // under another vCPU's feet, or it cannot be read): let it retry.
        if (insn.op == InsnOp::invalid) inject_ud(v);
        return Exit::resume;
    }
    if (!ok) {
        guest_log(*v.domain, LogLevel::debug, "d%uv%u: bad write of CR%u (%#lx): #GP\n", v.domain->domid, v.vcpu_id, cr, value);
        inject_gp(v);
        return Exit::resume;
    }
    advance(v, insn.len);
    return Exit::resume;
}

Exit mmio_hole(Vcpu& v, uint64_t gpa, const NpfAccess& access) {
    if (access.fetch || access.in_walk) { // code or page tables outside RAM: nothing to complete
        inject_gp(v);
        return Exit::resume;
    }
    const Insn insn = fetch_insn(v);
    const bool write = access.write;
    if (apic_xapic_mode(v) && (gpa & ~0xfffull) == apic_default_base)
        return xapic_mmio(v, insn, static_cast<unsigned>(gpa & 0xfff), write);
    switch (insn.op) {
    case InsnOp::load:
        if (write) break;
        {
            uint64_t value = insn.mem_size == 8 ? ~0ull : (1ull << (8 * insn.mem_size)) - 1; // all ones
            if (insn.sign_extend) value = ~0ull;
            write_reg(v, insn, insn.reg_size, value);
        }
        advance(v, insn.len);
        return Exit::resume;
    case InsnOp::store: // dropped
        advance(v, insn.len);
        return Exit::resume;
    case InsnOp::bit_test: // every bit reads as set
        if (write) break;
        hvm_funcs.set_rflags(v, guest_rflags(v) | RFLAGS_CF);
        advance(v, insn.len);
        return Exit::resume;
    case InsnOp::invalid: inject_ud(v); return Exit::resume;
    default: break;
    }
    guest_log(*v.domain, LogLevel::debug, "d%uv%u: %s of gpa %#lx without RAM by an instruction not emulated (rip %#lx): #GP\n",
        v.domain->domid, v.vcpu_id, write ? "write" : "read", gpa, guest_rip(v));
    inject_gp(v);
    return Exit::resume;
}

} // namespace cxen::arch::hvm
